using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Simulation;

/// <summary>The demo's entry point: <c>dotnet run --project src/Simulation [-- options]</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        if (Console.IsOutputRedirected)
        {
            // A pipe or a file gets plain text: no escape codes and no live redraws, whatever TERM or a CI variable suggests.
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(Console.Out),

                // The default enrichers turn ANSI back on under a CI runner (GITHUB_ACTIONS, …) even with Ansi = No.
                Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
            });
        }

        var app = new CommandApp<DemoCommand>();
        app.Configure(config =>
        {
            config.SetApplicationName("dotnet run --project src/Simulation --");
            config.PropagateExceptions();
            config.Settings.StrictParsing = true;
            config.AddCommand<FederationCommand>("federation")
                .WithDescription("Prepare a running server for the REST host walkthrough: enrol three banks, create a session, train as two of them.");
        });
        return RunAsync(app, args);
    }

    private static async Task<int> RunAsync(CommandApp<DemoCommand> app, string[] args)
    {
        try
        {
            return await app.RunAsync(args).ConfigureAwait(false);
        }
        catch (CommandParseException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (CommandRuntimeException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }
}
