using PrivateFl.Cli.Internal;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary><c>audit</c>: the server's audit log of admin calls (who, from where, what, when, outcome), oldest first.</summary>
internal sealed class AuditCommand(CliEnvironment environment) : CliCommand<AuditSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, AuditSettings settings, Output output, CancellationToken cancellationToken)
    {
        ListAuditLogReply log = await connection.Admin.ListAuditLogAsync(new ListAuditLogRequest { SinceUnixMs = settings.SinceUnixMs, Limit = (uint)settings.Limit }, connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        if (settings.Json)
        {
            output.Json(Output.ToNode(log));
            return ExitCodes.Success;
        }

        output.Write(Output.Rows(
            ["When", "Who", "Address", "Call", "Target", "Outcome"],
            log.Entries.Select(e => new[] { Output.Time(e.TimestampUnixMs), e.Actor, e.RemoteAddress, e.Method, e.TargetId.Length == 0 ? "-" : e.TargetId, e.Outcome })));
        return ExitCodes.Success;
    }
}
