using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Cli;

/// <summary>
/// The options every command takes: where the server is, the admin key, how its TLS certificate is trusted, and the
/// output format. An option not given is read from its environment variable.
/// </summary>
internal class CliSettings : CommandSettings
{
    [CommandOption("--server <URL>")]
    [Description("The aggregation server. Env PRIVATEFL_SERVER. Default: http://127.0.0.1:5080.")]
    public string? Server { get; init; }

    [CommandOption("--admin-key <KEY>")]
    [Description("The server's admin API key (ServerOptions:AdminApiKey); never printed. Env PRIVATEFL_ADMIN_KEY.")]
    public string? AdminKey { get; init; }

    [CommandOption("--ca-file <PEM>")]
    [Description("CA certificates (PEM) the server's TLS certificate must chain to, e.g. a self-signed server certificate. Env PRIVATEFL_CA_FILE.")]
    public string? CaFile { get; init; }

    [CommandOption("--pin-sha256 <HEX>")]
    [Description("SHA-256 of the server's TLS certificate or of its public key (SPKI), 64 hex digits. Env PRIVATEFL_PIN_SHA256.")]
    public string? PinSha256 { get; init; }

    [CommandOption("--client-cert <PEM>")]
    [Description("A client certificate (PEM) to present to the server. Env PRIVATEFL_CLIENT_CERT.")]
    public string? ClientCertificate { get; init; }

    [CommandOption("--client-key <PEM>")]
    [Description("The client certificate's private key (PEM), when not in its file. Env PRIVATEFL_CLIENT_KEY.")]
    public string? ClientKey { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description("table (for people) or json (one document on standard output). Default: table.")]
    [DefaultValue("table")]
    public string Format { get; init; } = "table";

    [CommandOption("--timeout <SECONDS>")]
    [Description("How long to wait for the server on each call. Default: 30.")]
    [DefaultValue(30)]
    public int TimeoutSeconds { get; init; } = 30;

    /// <summary>Gets whether the output is the JSON document.</summary>
    public bool Json => Format == "json";

    public override ValidationResult Validate()
    {
        if (Format is not ("table" or "json"))
        {
            return ValidationResult.Error($"--format must be table or json; got '{Format}'.");
        }

        return TimeoutSeconds is < 1 or > 3600
            ? ValidationResult.Error($"--timeout must be 1 to 3600 seconds; got {TimeoutSeconds}.")
            : ValidationResult.Success();
    }
}
