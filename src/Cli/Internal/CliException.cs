namespace PrivateFl.Cli.Internal;

/// <summary>A failure the CLI reports as one line on standard error, with its exit code.</summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliException(string message, int exitCode, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    /// <summary>Gets the process's exit code (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; } = ExitCodes.BadArguments;
}
