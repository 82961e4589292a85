using System.Globalization;
using PrivateFl.Cli.Internal;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary><c>rounds SESSION</c>: each round's outcome, banks, dropouts and timings.</summary>
internal sealed class RoundsCommand(CliEnvironment environment) : CliCommand<SessionSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, SessionSettings settings, Output output, CancellationToken cancellationToken)
    {
        ListRoundsReply reply = await connection.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = settings.SessionId }, connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        if (settings.Json)
        {
            output.Json(Output.ToNode(reply));
            return ExitCodes.Success;
        }

        output.Write(Output.Rows(
            ["Round", "Outcome", "Included", "Dropped", "Culprits", "Model version", "Duration", "Reason"],
            reply.Rounds.Select(r => new[]
            {
                r.RoundNumber.ToString(CultureInfo.InvariantCulture),
                r.RoundOutcome switch { RoundOutcome.Completed => "completed", RoundOutcome.Aborted => "aborted", _ => "unknown" },
                string.Create(CultureInfo.InvariantCulture, $"{r.Included.Count}/{r.Participants.Count}"),
                r.Dropped.Count == 0 ? "-" : string.Join(", ", r.Dropped),
                r.Culprits.Count == 0 ? "-" : string.Join(", ", r.Culprits.Select(c => $"{c.ClientId} ({c.Misbehaviour})")),
                r.RoundOutcome == RoundOutcome.Completed ? r.ModelVersion.ToString(CultureInfo.InvariantCulture) : "-",
                r.EndedUnixMs > 0 ? string.Create(CultureInfo.InvariantCulture, $"{r.EndedUnixMs - r.StartedUnixMs} ms") : "-",
                r.AbortReason.Length == 0 ? "-" : r.AbortReason,
            })));
        return ExitCodes.Success;
    }
}
