namespace PrivateFl.Cli.Internal;

/// <summary>
/// Where a run of the CLI reads its environment variables and writes its output: the process's in production, a test's
/// own in tests, so that tests run in parallel without touching process-wide state.
/// </summary>
internal sealed class CliEnvironment(TextWriter output, TextWriter error, Func<string, string?> variable)
{
    /// <summary>Gets standard output: tables, or the one JSON document.</summary>
    public TextWriter Output { get; } = output;

    /// <summary>Gets standard error: the one line of a failure.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>Gets whether standard output is the process's terminal (colours and its width) rather than a pipe, file or test.</summary>
    public bool IsTerminal => ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>Reads an environment variable; null or empty when unset.</summary>
    public string? Variable(string name) => variable(name) is { Length: > 0 } value ? value : null;

    /// <summary>The process's console and environment.</summary>
    public static CliEnvironment FromProcess() => new(Console.Out, Console.Error, Environment.GetEnvironmentVariable);
}
