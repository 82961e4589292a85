namespace PrivateFl.Cli.Internal;

/// <summary>The CLI's exit codes (README, "The admin CLI"); scripts branch on them, so they never change meaning.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The server refused or failed the call (a gRPC status), or reported itself not serving.</summary>
    public const int ServerRefused = 1;

    /// <summary>Bad arguments or settings, or a local file that cannot be read or written.</summary>
    public const int BadArguments = 2;

    /// <summary>The server could not be reached: connection refused, timed out, or its TLS certificate not trusted.</summary>
    public const int Unreachable = 3;
}
