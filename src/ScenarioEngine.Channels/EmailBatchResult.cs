namespace ScenarioEngine.Channels;

/// <summary>The outcome of one Mail Send request covering a contiguous slice of a message's recipients.</summary>
/// <param name="FirstRecipient">The index in <see cref="EmailMessage.Recipients"/> of the first recipient in this request.</param>
/// <param name="RecipientCount">How many recipients the request covered.</param>
/// <param name="Result">What happened to them.</param>
public sealed record EmailBatchResult(int FirstRecipient, int RecipientCount, ChannelResult Result);
