using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Commands;

/// <summary>
/// The options of the commands that read a model version: only enrolled banks may (the federation service authenticates
/// each call by the bank's signature), so they take a bank's id and identity key.
/// </summary>
internal class ModelSettings : SessionSettings
{
    [CommandOption("--version <N>")]
    [Description("The model version; 0 is the current one. Default: 0.")]
    [DefaultValue(0L)]
    public long Version { get; init; }

    [CommandOption("--client-id <ID>")]
    [Description("An enrolled bank whose identity reads the model. Env PRIVATEFL_CLIENT_ID.")]
    public string? ClientId { get; init; }

    [CommandOption("--identity-key <FILE>")]
    [Description("That bank's identity key file (as written by enrol). Env PRIVATEFL_IDENTITY_KEY.")]
    public string? IdentityKey { get; init; }

    public override ValidationResult Validate() =>
        Version < 0 ? ValidationResult.Error($"--version must be 0 (the current one) or a released version; got {Version}.") : base.Validate();
}
