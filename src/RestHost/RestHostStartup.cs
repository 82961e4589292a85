using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace PrivateFl.RestHost;

/// <summary>
/// Starts the REST host and turns a refused start (a bad setting, a port in use) into one line naming the problem, without
/// a stack trace, and a non-zero exit code: 2 for configuration, 4 for listening, 1 otherwise (as the server does).
/// </summary>
internal static class RestHostStartup
{
    public const int ConfigurationError = 2;
    public const int ListenError = 4;
    public const int OtherError = 1;

    /// <summary>
    /// Builds the host; options that the server's own services read while it is built (Kestrel's limits come from
    /// <see cref="RestHostOptions"/>) are validated here already, so a bad setting can refuse the build.
    /// </summary>
    /// <returns>The host, or null with the exit code in <paramref name="exitCode"/> once the refusal is written.</returns>
    public static WebApplication? TryBuild(WebApplicationBuilder builder, TextWriter error, out int exitCode)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            exitCode = 0;
            return builder.Build();
        }
        catch (Exception ex) when (Describe(ex) is { } failure)
        {
            error.WriteLine($"privatefl-resthost: {failure.Message}");
            exitCode = failure.ExitCode;
            return null;
        }
    }

    /// <summary>Runs <paramref name="app"/> until it is shut down; a start-up failure is written to <paramref name="error"/>.</summary>
    /// <returns>The process's exit code.</returns>
    public static async Task<int> RunAsync(WebApplication app, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (Describe(ex) is { } failure)
        {
            await error.WriteLineAsync($"privatefl-resthost: {failure.Message}").ConfigureAwait(false);
            return failure.ExitCode;
        }

        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>The one-line message and exit code for a start-up failure.</summary>
    internal static (string Message, int ExitCode)? Describe(Exception exception)
    {
        Exception ex = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
        return ex switch
        {
            OptionsValidationException options => ("invalid configuration: " + OneLine(string.Join(" ", options.Failures)), ConfigurationError),
            IOException io when io.InnerException is SocketException or Microsoft.AspNetCore.Connections.AddressInUseException => ("cannot listen: " + OneLine(io.Message), ListenError),
            InvalidOperationException invalid => ("cannot start: " + OneLine(invalid.Message), ConfigurationError),
            _ => ($"cannot start: {ex.GetType().Name}: {OneLine(ex.Message)}", OtherError),
        };
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
