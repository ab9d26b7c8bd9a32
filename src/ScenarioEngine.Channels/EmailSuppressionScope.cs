namespace ScenarioEngine.Channels;

/// <summary>How far an email event takes the customer out of email.</summary>
public enum EmailSuppressionScope
{
    /// <summary>No suppression.</summary>
    None,

    /// <summary>Stop all marketing email to the customer (hard bounce, spam report, global unsubscribe).</summary>
    AllEmail,

    /// <summary>Stop email of the SendGrid unsubscribe group in <see cref="EmailEvent.AsmGroupId"/>.</summary>
    AsmGroup,
}
