using PrivateFl.Cli.Internal;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary><c>revoke CLIENT-ID</c>.</summary>
internal sealed class RevokeCommand(CliEnvironment environment) : CliCommand<ClientSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, ClientSettings settings, Output output, CancellationToken cancellationToken)
    {
        ClientInfo client = await connection.Admin.RevokeClientAsync(new RevokeClientRequest { ClientId = settings.ClientId }, connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        if (settings.Json)
        {
            output.Json(Output.ToNode(client));
        }
        else
        {
            output.Line($"Revoked {client.ClientId}: the server refuses its calls from now on.");
        }

        return ExitCodes.Success;
    }
}
