using System.Text.Json;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>The document a row was written with by <see cref="Codec.Row{T}"/>: handed over to the row, never changed.</summary>
/// <typeparam name="T">The document type (an <see cref="IRowDocument{T}"/>, as <see cref="Codec.Row{T}"/> requires).</typeparam>
internal sealed class HeldDocument<T>(IRowDocument<T> value) : RowDocument
{
    /// <summary>A copy for a reader, who may change it.</summary>
    public T Copy() => value.Copy();

    /// <summary>The document itself, for a reader who only reads it (<see cref="Codec.View{T}(StoredRow)"/>).</summary>
    public T Value => (T)value;

    /// <inheritdoc />
    public override string ToJson() => JsonSerializer.Serialize(value, typeof(T), Codec.Json);
}
