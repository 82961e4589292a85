using Grpc.Core;
using PrivateFl.ClientSdk;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Internal;

/// <summary>
/// What every command shares: it opens the connection from the resolved settings, runs, and turns a failed call into
/// the one line and exit code of <see cref="CallFailure"/>.
/// </summary>
internal abstract class CliCommand<TSettings>(CliEnvironment environment) : AsyncCommand<TSettings>
    where TSettings : CliSettings
{
    protected CliEnvironment Environment => environment;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using ServerConnection connection = ServerConnection.Open(settings, environment);
        var output = new Output(environment);
        try
        {
            return await RunAsync(connection, settings, output, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw CallFailure.From(ex, connection.Server, connection.Timeout);
        }
        catch (FederationException ex)
        {
            throw CallFailure.From(ex, connection.Server);
        }
        catch (HttpRequestException ex)
        {
            throw CallFailure.Unreachable(ex, connection.Server);
        }
    }

    protected abstract Task<int> RunAsync(ServerConnection connection, TSettings settings, Output output, CancellationToken cancellationToken);
}
