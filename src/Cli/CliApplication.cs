using PrivateFl.Cli.Commands;
using PrivateFl.Cli.Internal;
using Spectre.Console.Cli;

namespace PrivateFl.Cli;

/// <summary>The commands of <c>privatefl</c>, and how a failure becomes one line on standard error and an exit code.</summary>
internal static class CliApplication
{
    /// <summary>Runs one command line; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        PrivateFl.Protocol.V1.ProtoDescriptors.EnsureBuilt();
        var app = new CommandApp(new TypeRegistrar(environment));
        app.Configure(config =>
        {
            config.SetApplicationName("privatefl");
            config.PropagateExceptions();
            config.Settings.StrictParsing = true;
            config.ConfigureConsole(Output.CreateConsole(environment));
            config.AddCommand<EnrolCommand>("enrol")
                .WithDescription("Generate a bank's identity key pair, write the private key owner-only (0600) and enrol the public key.")
                .WithExample("enrol", "bank-01", "--key-out", "keys/bank-01.key");
            config.AddCommand<RevokeCommand>("revoke").WithDescription("Revoke a bank: the server refuses its calls from now on.");
            config.AddCommand<ClientsCommand>("clients").WithDescription("List the enrolled banks.");
            config.AddBranch("session", session =>
            {
                session.SetDescription("Create or show a training session.");
                session.AddCommand<SessionCreateCommand>("create")
                    .WithDescription("Create a session from a schema file or a built-in template, with the training plan and privacy budget (defaults: the demo's).")
                    .WithExample("session", "create", "taiwan", "--schema", "data/schemas/taiwan-credit.json", "--banks", "3");
                session.AddCommand<SessionShowCommand>("show").WithDescription("Show a session's configuration and state.");
            });
            config.AddCommand<SessionsCommand>("sessions").WithDescription("List the sessions.");
            config.AddCommand<RoundsCommand>("rounds").WithDescription("List a session's rounds: outcome, banks, dropouts, stage timings.");
            config.AddCommand<LedgerCommand>("ledger").WithDescription("Show a session's privacy ledger: ε spent per round against the budget.");
            config.AddBranch("models", models =>
            {
                models.SetDescription("List, download or export a session's model versions.");
                models.AddCommand<ModelsListCommand>("list").WithDescription("List a session's model versions.");
                models.AddCommand<ModelsDownloadCommand>("download").WithDescription("Download a model version's weights to a JSON file (as an enrolled bank).");
                models.AddCommand<ModelsExportCommand>("export").WithDescription("Export a model version's scorecard and model card, as a bank's SDK computes them (as an enrolled bank).");
            });
            config.AddCommand<AuditCommand>("audit").WithDescription("List the audit log of admin calls: who, from where, what, when and how it ended.");
            config.AddCommand<HealthCommand>("health").WithDescription("Check that the server answers: the gRPC health service if served, and an admin call when a key is given.");
        });

        try
        {
            return await app.RunAsync(Normalise(args)).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            return Fail(environment, args, ex.Message, ex.ExitCode);
        }
        catch (Exception ex) when (ex is CommandParseException or CommandRuntimeException or CommandConfigurationException)
        {
            return Fail(environment, args, ex.Message, ExitCodes.BadArguments);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(environment, args, ex.Message, ExitCodes.BadArguments);
        }
    }

    /// <summary><c>models SESSION</c> is <c>models list SESSION</c>: the branch's first word is a command or a session.</summary>
    private static string[] Normalise(string[] args)
    {
        return args.Length > 1 && args[0] == "models" && args[1] is not ("list" or "download" or "export") && !args[1].StartsWith('-')
            ? ["models", "list", .. args[1..]]
            : args;
    }

    private static int Fail(CliEnvironment environment, string[] args, string message, int exitCode)
    {
        environment.Error.WriteLine($"privatefl: {Redact(message, args, environment)}");
        return exitCode;
    }

    /// <summary>The admin key is never printed, even where a parser quotes an argument back.</summary>
    private static string Redact(string message, string[] args, CliEnvironment environment)
    {
        var secrets = new List<string>();
        if (environment.Variable("PRIVATEFL_ADMIN_KEY") is { } fromEnvironment)
        {
            secrets.Add(fromEnvironment);
        }

        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--admin-key" && i + 1 < args.Length)
            {
                secrets.Add(args[i + 1]);
            }
            else if (args[i].StartsWith("--admin-key=", StringComparison.Ordinal))
            {
                secrets.Add(args[i]["--admin-key=".Length..]);
            }
        }

        foreach (string secret in secrets.Where(s => s.Length > 0).OrderByDescending(s => s.Length))
        {
            message = message.Replace(secret, "***", StringComparison.Ordinal);
        }

        return message;
    }
}
