using Microsoft.Extensions.Options;
using ScenarioEngine.Journeys.Sending;

namespace ScenarioEngine.Api;

/// <summary>Validates <see cref="SendingOptions"/> at start with the message naming the setting out of range and what it expects.</summary>
public sealed class SendingOptionsValidation : IValidateOptions<SendingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SendingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
