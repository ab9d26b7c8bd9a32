namespace ScenarioEngine.Analytics;

/// <summary>Thrown by the purchase readers when a line cannot be parsed; the message and <see cref="LineNumber"/> say where.</summary>
public sealed class PurchaseParseException : FormatException
{
    /// <summary>Creates the exception for a 1-based line number and a human-readable reason.</summary>
    public PurchaseParseException(int lineNumber, string reason, Exception? innerException = null)
        : base($"Line {lineNumber}: {reason}", innerException)
    {
        LineNumber = lineNumber;
        Reason = reason;
    }

    /// <summary>The 1-based number of the offending line.</summary>
    public int LineNumber { get; }

    /// <summary>What was wrong with the line, without the line number.</summary>
    public string Reason { get; }
}
