using System.Globalization;
using PrivateFl.Cli.Internal;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary><c>clients</c>: the enrolled banks.</summary>
internal sealed class ClientsCommand(CliEnvironment environment) : CliCommand<CliSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, CliSettings settings, Output output, CancellationToken cancellationToken)
    {
        ListClientsReply reply = await connection.Admin.ListClientsAsync(new ListClientsRequest(), connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        if (settings.Json)
        {
            output.Json(Output.ToNode(reply));
            return ExitCodes.Success;
        }

        output.Write(Output.Rows(
            ["Client", "Status", "Misbehaviour", "Enrolled", "Identity public key"],
            reply.Clients.Select(c => new[]
            {
                c.ClientId,
                c.Revoked ? "revoked" : c.Suspended ? "suspended" : "active",
                c.MisbehaviourCount.ToString(CultureInfo.InvariantCulture),
                Output.Time(c.EnrolledUnixMs),
                c.IdentityPublicKey.ToBase64(),
            })));
        return ExitCodes.Success;
    }
}
