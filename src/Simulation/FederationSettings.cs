using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Simulation;

/// <summary>Options of the <c>federation</c> command, which prepares a running server for the REST host walkthrough.</summary>
internal sealed class FederationSettings : CommandSettings
{
    [CommandOption("--server <URL>")]
    [Description("The aggregation server. Default: http://127.0.0.1:5080.")]
    [DefaultValue("http://127.0.0.1:5080")]
    public string Server { get; init; } = "http://127.0.0.1:5080";

    [CommandOption("--admin-key <KEY>")]
    [Description("The server's admin API key (ServerOptions:AdminApiKey).")]
    public string AdminKey { get; init; } = string.Empty;

    [CommandOption("--keys-dir <DIR>")]
    [Description("Where to write the banks' identity keys (bank-01.key … ). Default: ./keys.")]
    [DefaultValue("keys")]
    public string KeysDirectory { get; init; } = "keys";

    [CommandOption("--rounds <N>")]
    [Description("Rounds of the session. Default: 3.")]
    [DefaultValue(3)]
    public int Rounds { get; init; } = 3;

    public override ValidationResult Validate()
    {
        if (!Uri.TryCreate(Server, UriKind.Absolute, out _))
        {
            return ValidationResult.Error($"--server must be an absolute URL; got '{Server}'.");
        }

        if (AdminKey.Length < 16)
        {
            return ValidationResult.Error("--admin-key must be the server's admin API key (at least 16 characters).");
        }

        return Rounds is < 1 or > 100 ? ValidationResult.Error($"--rounds must be 1 to 100; got {Rounds}.") : ValidationResult.Success();
    }
}
