namespace PrivateFl.Server.Hosting;

/// <summary>
/// A refusal to start that the operator must act on (a damaged database, an unsafe listener). The standalone host
/// prints its message as one line and exits non-zero; the message names the setting or file and never holds a secret.
/// </summary>
internal sealed class ServerStartupException : Exception
{
    public ServerStartupException()
        : this("The server cannot start.")
    {
    }

    public ServerStartupException(string message)
        : base(message)
    {
    }

    public ServerStartupException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
