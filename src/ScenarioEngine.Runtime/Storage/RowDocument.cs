namespace ScenarioEngine.Runtime.Storage;

/// <summary>
/// A row's payload kept as the object it was written from: the in-memory store holds it as it is (no JSON written or parsed), and a
/// provider that stores text asks for <see cref="ToJson"/>. It never changes once a row holds it.
/// </summary>
public abstract class RowDocument
{
    /// <summary>The document as the JSON text a provider stores.</summary>
    public abstract string ToJson();
}
