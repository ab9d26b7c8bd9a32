namespace ScenarioEngine.Runtime.Engine;

/// <summary>
/// A type a row can hold as a document (<see cref="Codec.Row{T}"/>): the writer hands the document over to the row, and every reader
/// gets a copy of the row's (<see cref="Codec.Read{T}(Storage.StoredRow)"/>), so nobody changes a document another holds. Its JSON is
/// its stored text.
/// </summary>
/// <typeparam name="T">The document type itself.</typeparam>
public interface IRowDocument<out T>
{
    /// <summary>A copy sharing nothing that can be changed with this one; an immutable document returns itself.</summary>
    T Copy();
}
