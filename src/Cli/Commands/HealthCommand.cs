using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Core;
using PrivateFl.Cli.Health;
using PrivateFl.Cli.Internal;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary>
/// <c>health</c>: the server answers. It asks the standard gRPC health service when the server serves it, and with an
/// admin key also makes an admin call (ListSessions), which proves the key and the store.
/// </summary>
internal sealed class HealthCommand(CliEnvironment environment) : CliCommand<CliSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, CliSettings settings, Output output, CancellationToken cancellationToken)
    {
        string grpcHealth;
        bool serving = true;
        try
        {
            HealthCheckResponse health = await connection.Health.CheckAsync(new HealthCheckRequest(), connection.PlainCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
            grpcHealth = health.Status.ToString().ToUpperInvariant();
            serving = health.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            // The server answered, without the health service: reachable, and the admin call below says more.
            grpcHealth = "not served";
        }

        string admin = "skipped (no admin key)";
        if (connection.HasAdminKey)
        {
            ListSessionsReply sessions = await connection.Admin.ListSessionsAsync(new ListSessionsRequest(), connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
            admin = string.Create(CultureInfo.InvariantCulture, $"ok ({sessions.Sessions.Count} sessions)");
        }

        if (settings.Json)
        {
            output.Json(new JsonObject { ["server"] = connection.Server.ToString(), ["reachable"] = true, ["grpcHealth"] = grpcHealth, ["admin"] = admin, ["healthy"] = serving });
        }
        else
        {
            output.Write(Output.Properties([("Server", connection.Server.ToString()), ("gRPC health", grpcHealth), ("Admin call", admin)]));
        }

        if (!serving)
        {
            throw new CliException($"The server at {connection.Server} reports {grpcHealth}.", ExitCodes.ServerRefused);
        }

        return ExitCodes.Success;
    }
}
