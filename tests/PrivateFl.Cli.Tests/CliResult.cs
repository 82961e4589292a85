using System.Text.Json;

namespace PrivateFl.Cli.Tests;

/// <summary>What one run of the CLI did: its exit code and what it wrote.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Standard output as the one JSON document it must be (parsing fails on anything after it).</summary>
    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}: {Error}");
        using var document = JsonDocument.Parse(Output);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts a failure: the exit code, nothing on standard output, and exactly one line on standard error.</summary>
    public string AssertFailed(int exitCode)
    {
        Assert.Equal(exitCode, ExitCode);
        string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("privatefl: ", lines[0], StringComparison.Ordinal);
        return lines[0];
    }
}
