using System.Globalization;
using PrivateFl.Cli.Internal;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary><c>ledger SESSION</c>: the server's privacy ledger of the session.</summary>
internal sealed class LedgerCommand(CliEnvironment environment) : CliCommand<SessionSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, SessionSettings settings, Output output, CancellationToken cancellationToken)
    {
        PrivacyLedgerReply ledger = await connection.Admin.GetPrivacyLedgerAsync(new GetPrivacyLedgerRequest { SessionId = settings.SessionId }, connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        if (settings.Json)
        {
            output.Json(Output.ToNode(ledger));
            return ExitCodes.Success;
        }

        output.Line(string.Create(CultureInfo.InvariantCulture, $"Session {settings.SessionId}: ε spent {ledger.EpsilonSpent:G6} of {ledger.EpsilonBudget:G6}, δ = {ledger.Delta:G3}."));
        output.Write(Output.Rows(
            ["Round", "ε spent (total)", "δ", "Recorded", "Mechanism"],
            ledger.Entries.Select(e => new[]
            {
                e.RoundNumber.ToString(CultureInfo.InvariantCulture),
                Output.Number(e.EpsilonSpentTotal),
                Output.Number(e.Delta),
                Output.Time(e.RecordedUnixMs),
                e.MechanismJson,
            })));
        return ExitCodes.Success;
    }
}
