using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Test output with a prefix on every line, so runs sharing one test's output can be told apart.</summary>
public sealed class PrefixedOutput(ITestOutputHelper output, string prefix) : ITestOutputHelper
{
    /// <inheritdoc />
    public void WriteLine(string message) => output.WriteLine(prefix + message);

    /// <inheritdoc />
    public void WriteLine(string format, params object[] args) => output.WriteLine(prefix + format, args);
}
