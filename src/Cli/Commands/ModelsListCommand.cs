using System.Globalization;
using System.Text.Json.Nodes;
using PrivateFl.Cli.Internal;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary>
/// <c>models SESSION</c> (or <c>models list SESSION</c>): the session's model versions, from its rounds and ledger:
/// version 0 is the initial model, and each completed round released the next one.
/// </summary>
internal sealed class ModelsListCommand(CliEnvironment environment) : CliCommand<SessionSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, SessionSettings settings, Output output, CancellationToken cancellationToken)
    {
        SessionInfo session = await connection.Admin.GetSessionAsync(new GetSessionRequest { SessionId = settings.SessionId }, connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        ListRoundsReply rounds = await connection.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = settings.SessionId }, connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        PrivacyLedgerReply ledger = await connection.Admin.GetPrivacyLedgerAsync(new GetPrivacyLedgerRequest { SessionId = settings.SessionId }, connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        var epsilonByRound = ledger.Entries.GroupBy(e => e.RoundNumber).ToDictionary(g => g.Key, g => g.Max(e => e.EpsilonSpentTotal));
        var versions = new List<(long Version, long Round, int Banks, double Epsilon, long ReleasedUnixMs)> { (0, 0, 0, 0, session.CreatedUnixMs) };
        versions.AddRange(rounds.Rounds
            .Where(r => r.RoundOutcome == RoundOutcome.Completed)
            .OrderBy(r => r.ModelVersion)
            .Select(r => (r.ModelVersion, r.RoundNumber, r.Included.Count, epsilonByRound.GetValueOrDefault(r.RoundNumber), r.EndedUnixMs)));
        if (settings.Json)
        {
            var array = new JsonArray();
            foreach ((long version, long round, int banks, double epsilon, long released) in versions)
            {
                array.Add(new JsonObject
                {
                    ["version"] = version,
                    ["roundNumber"] = round,
                    ["banks"] = banks,
                    ["epsilonSpent"] = epsilon,
                    ["releasedUnixMs"] = released,
                    ["current"] = version == session.CurrentModelVersion,
                });
            }

            output.Json(new JsonObject { ["sessionId"] = session.SessionId, ["currentVersion"] = session.CurrentModelVersion, ["versions"] = array });
            return ExitCodes.Success;
        }

        output.Write(Output.Rows(
            ["Version", "Round", "Banks", "ε spent", "Released", "Current"],
            versions.Select(v => new[]
            {
                v.Version.ToString(CultureInfo.InvariantCulture),
                v.Version == 0 ? "initial" : v.Round.ToString(CultureInfo.InvariantCulture),
                v.Version == 0 ? "-" : v.Banks.ToString(CultureInfo.InvariantCulture),
                Output.Number(v.Epsilon),
                Output.Time(v.ReleasedUnixMs),
                v.Version == session.CurrentModelVersion ? "yes" : string.Empty,
            })));
        return ExitCodes.Success;
    }
}
