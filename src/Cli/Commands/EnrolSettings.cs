using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Commands;

/// <summary>The options of <c>enrol</c>: the bank and where its private key goes.</summary>
internal sealed class EnrolSettings : ClientSettings
{
    [CommandOption("--key-out <FILE>")]
    [Description("The new file for the bank's Ed25519 identity private key (base64, mode 0600), as FederatedClientOptions:IdentityKeyFile reads it. Never overwritten.")]
    public string? KeyOut { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(KeyOut)
            ? ValidationResult.Error("--key-out is required: the file the bank's private key is written to.")
            : base.Validate();
}
