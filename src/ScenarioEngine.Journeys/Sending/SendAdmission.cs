namespace ScenarioEngine.Journeys.Sending;

/// <summary>The <see cref="SendGate"/>'s answer to a send.</summary>
/// <param name="Deferral">Null when the send may go out now; else the deferral to return (rule <c>rate</c> or <c>circuit</c>).</param>
/// <param name="Circuit">The medium's circuit as the gate saw it (after this send became the trial, when it did).</param>
/// <param name="Trial">True when this send is the half-open circuit's trial: its result closes or reopens the circuit.</param>
/// <param name="Window">For a send admitted under a rate: the rate window it counts in; else null.</param>
public sealed record SendAdmission(SendOutcome? Deferral, ChannelCircuit Circuit, bool Trial, DateTimeOffset? Window = null);
