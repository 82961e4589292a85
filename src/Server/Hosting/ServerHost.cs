using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace PrivateFl.Server.Hosting;

/// <summary>
/// Runs the standalone server. Every start-up failure (a bad setting, an unusable database, a port in use, an unsafe
/// listener) is printed as one line naming the problem, without a stack trace, and ends the process with a non-zero
/// exit code: 2 for configuration, 3 for the database, 4 for listening.
/// </summary>
internal static class ServerHost
{
    public const int ConfigurationError = 2;
    public const int DatabaseError = 3;
    public const int ListenError = 4;
    public const int OtherError = 1;

    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        WebApplication app;
        bool refused = false;
        try
        {
            app = PrivateFlServerApplication.Build(args, builder =>
            {
                // The refusal is printed once below; the host's own "failed to start" entry would add a stack trace.
                builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

                // A silo stopped in the middle of its start complains (cancelled calls, late messages); after a refusal
                // those lines would follow the one line that names the problem. Orleans' default level stays Warning;
                // a longer category (Logging:LogLevel:Orleans.Runtime) still overrides it.
                builder.Logging.AddFilter("Orleans", level => !Volatile.Read(ref refused) && level >= LogLevel.Warning);
            });
        }
        catch (Exception ex) when (Describe(ex) is { } failure)
        {
            await error.WriteLineAsync($"privatefl-server: {failure.Message}").ConfigureAwait(false);
            return failure.ExitCode;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (Describe(ex) is { } failure)
            {
                // Services that did start (the silo starts before Kestrel binds) stop in order; left to disposal they
                // would be cut short.
                Volatile.Write(ref refused, true);
                await StopStartedAsync(app).ConfigureAwait(false);
                await error.WriteLineAsync($"privatefl-server: {failure.Message}").ConfigureAwait(false);
                return failure.ExitCode;
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
            return 0;
        }
    }

    private static async Task StopStartedAsync(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), app.Services.GetService<TimeProvider>() ?? TimeProvider.System);
        try
        {
            await app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or ArgumentException or AggregateException)
        {
            // Best effort (a host refused before it started has nothing to stop): the process ends with the start-up
            // failure's exit code either way.
        }
    }

    /// <summary>The one-line message and exit code for a start-up failure.</summary>
    internal static (string Message, int ExitCode)? Describe(Exception exception)
    {
        Exception ex = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
        return ex switch
        {
            ServerStartupException startup when startup.Message.StartsWith("Storage", StringComparison.Ordinal) || startup.Message.StartsWith("Cluster:ConnectionString", StringComparison.Ordinal) => (OneLine(startup.Message), DatabaseError),
            ServerStartupException startup => (OneLine(startup.Message), ConfigurationError),
            OptionsValidationException options => ("invalid configuration: " + OneLine(string.Join(" ", options.Failures)), ConfigurationError),
            SqliteException sqlite => ($"the database cannot be used: SQLite error {sqlite.SqliteErrorCode} ({OneLine(sqlite.Message)})", DatabaseError),
            IOException io when io.InnerException is SocketException or IOException || io.Message.Contains("bind", StringComparison.OrdinalIgnoreCase) => ("cannot listen: " + OneLine(io.Message), ListenError),
            UnauthorizedAccessException access => ("permission denied: " + OneLine(access.Message), OtherError),
            InvalidOperationException invalid => ("cannot start: " + OneLine(invalid.Message), ConfigurationError),
            _ => ($"cannot start: {ex.GetType().Name}: {OneLine(ex.Message)}", OtherError),
        };
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
