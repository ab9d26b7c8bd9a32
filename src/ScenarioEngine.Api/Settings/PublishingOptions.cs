namespace ScenarioEngine.Api.Settings;

/// <summary>How publishing guards against messaging more customers than intended (bound from "Publishing").</summary>
public sealed class PublishingOptions
{
    /// <summary>
    /// Publishing a version that would message more customers than this in the next 24 hours needs an explicit confirmation
    /// (<c>?confirm=</c> the forecast's count); 0 asks every time; -1 never asks (and skips the forecast when publishing).
    /// </summary>
    public int ConfirmAbove { get; set; } = 1_000;

    /// <summary>True when a forecast of <paramref name="customers"/> needs a confirmation.</summary>
    public bool NeedsConfirmation(int customers) => ConfirmAbove == 0 || (ConfirmAbove > 0 && customers > ConfirmAbove);
}
