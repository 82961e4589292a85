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
