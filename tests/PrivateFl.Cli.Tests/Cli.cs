using System.Text.Json;
using PrivateFl.Cli.Internal;

namespace PrivateFl.Cli.Tests;

/// <summary>Runs the CLI in process, on its own output and environment variables (no process-wide state).</summary>
internal static class Cli
{
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await CliApplication.RunAsync(args, new CliEnvironment(output, error, name => environment is not null && environment.TryGetValue(name, out string? value) ? value : null));
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command against <paramref name="server"/> with the admin key, as JSON.</summary>
    public static Task<CliResult> JsonAsync(CliServer server, params string[] args) =>
        RunAsync(null, [.. args, "--server", server.Address.ToString(), "--admin-key", CliServer.AdminKey, "--format", "json"]);

    /// <summary>Runs a command against <paramref name="server"/> with the admin key, as a table.</summary>
    public static Task<CliResult> TableAsync(CliServer server, params string[] args) =>
        RunAsync(null, [.. args, "--server", server.Address.ToString(), "--admin-key", CliServer.AdminKey]);
}

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
