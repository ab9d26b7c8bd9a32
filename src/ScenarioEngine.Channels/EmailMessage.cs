namespace ScenarioEngine.Channels;

/// <summary>An email address with an optional display name.</summary>
/// <param name="Email">The address.</param>
/// <param name="Name">The display name, if any.</param>
public sealed record EmailAddress(string Email, string? Name = null);

/// <summary>One recipient of an <see cref="EmailMessage"/> with the data that is theirs alone.</summary>
public sealed class EmailRecipient
{
    /// <summary>The recipient's address.</summary>
    public required EmailAddress To { get; init; }

    /// <summary>Dynamic template data for this recipient, merged over <see cref="EmailMessage.TemplateData"/>.</summary>
    public IReadOnlyDictionary<string, object?>? TemplateData { get; init; }

    /// <summary>Substitution tags for this recipient (only with subject/html/text content, not with a dynamic template).</summary>
    public IReadOnlyDictionary<string, string>? Substitutions { get; init; }

    /// <summary>
    /// Custom args for this recipient, such as <c>outbox_id</c> and <c>customer_id</c>; SendGrid echoes them in
    /// every Event Webhook event, which is how an event finds the send it confirms.
    /// </summary>
    public IReadOnlyDictionary<string, string>? CustomArgs { get; init; }

    /// <summary>A subject for this recipient only, overriding <see cref="EmailMessage.Subject"/>.</summary>
    public string? Subject { get; init; }
}

/// <summary>An email for SendGrid v3 Mail Send: either subject + html/text content, or a dynamic template id with data.</summary>
public sealed class EmailMessage
{
    /// <summary>The largest number of categories SendGrid accepts on one message.</summary>
    public const int MaxCategories = 10;

    /// <summary>The sender.</summary>
    public required EmailAddress From { get; init; }

    /// <summary>Where replies go, if not to <see cref="From"/>.</summary>
    public EmailAddress? ReplyTo { get; init; }

    /// <summary>The recipients; each becomes its own personalization, so nobody sees another's address.</summary>
    public required IReadOnlyList<EmailRecipient> Recipients { get; init; }

    /// <summary>The subject (required unless a dynamic template supplies it).</summary>
    public string? Subject { get; init; }

    /// <summary>The HTML body.</summary>
    public string? Html { get; init; }

    /// <summary>The plain-text body.</summary>
    public string? Text { get; init; }

    /// <summary>A SendGrid dynamic template id (<c>d-...</c>); excludes <see cref="Html"/> and <see cref="Text"/>.</summary>
    public string? TemplateId { get; init; }

    /// <summary>Dynamic template data shared by every recipient.</summary>
    public IReadOnlyDictionary<string, object?>? TemplateData { get; init; }

    /// <summary>Categories for SendGrid statistics, such as the journey id and step id (at most 10).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Custom args shared by every recipient (per-recipient args win on the same key).</summary>
    public IReadOnlyDictionary<string, string>? CustomArgs { get; init; }

    /// <summary>The SendGrid unsubscribe group (ASM) the message belongs to.</summary>
    public int? AsmGroupId { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when the message cannot be sent as it is.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(From);
        if (string.IsNullOrWhiteSpace(From.Email))
        {
            throw new ArgumentException("The sender address is empty.", nameof(From));
        }

        if (Recipients is null || Recipients.Count == 0)
        {
            throw new ArgumentException("An email needs at least one recipient.", nameof(Recipients));
        }

        if (Recipients.Any(r => r is null || string.IsNullOrWhiteSpace(r.To?.Email)))
        {
            throw new ArgumentException("Every recipient needs an address.", nameof(Recipients));
        }

        var hasContent = !string.IsNullOrEmpty(Html) || !string.IsNullOrEmpty(Text);
        var hasTemplate = !string.IsNullOrWhiteSpace(TemplateId);
        if (hasContent == hasTemplate)
        {
            throw new ArgumentException("Give either html/text content or a dynamic template id, not both and not neither.");
        }

        if (hasContent && string.IsNullOrWhiteSpace(Subject) && Recipients.Any(r => string.IsNullOrWhiteSpace(r.Subject)))
        {
            throw new ArgumentException("A message with its own content needs a subject.", nameof(Subject));
        }

        if (hasTemplate && Recipients.Any(r => r.Substitutions is { Count: > 0 }))
        {
            throw new ArgumentException("SendGrid does not allow substitutions with a dynamic template; use template data.", nameof(Recipients));
        }

        if (!hasTemplate && (TemplateData is { Count: > 0 } || Recipients.Any(r => r.TemplateData is { Count: > 0 })))
        {
            throw new ArgumentException("Template data needs a dynamic template id.", nameof(TemplateData));
        }

        if (Categories.Count > MaxCategories)
        {
            throw new ArgumentException($"SendGrid accepts at most {MaxCategories} categories.", nameof(Categories));
        }
    }
}
