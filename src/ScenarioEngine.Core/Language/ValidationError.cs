namespace ScenarioEngine.Core.Language;

/// <summary>One problem in a document: where it is (a JSON path such as $.steps.wait3d.for) and what was expected.</summary>
public sealed record ValidationError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>The outcome of parsing a document: the value, or every problem found.</summary>
public sealed record ParseResult<T>(T? Value, IReadOnlyList<ValidationError> Errors) where T : class
{
    /// <summary>True when there are no errors (and so a value).</summary>
    public bool IsValid => Errors.Count == 0 && Value is not null;
}
