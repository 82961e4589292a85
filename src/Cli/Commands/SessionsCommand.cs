using System.Globalization;
using PrivateFl.Cli.Internal;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary><c>sessions</c>: every session, one line each.</summary>
internal sealed class SessionsCommand(CliEnvironment environment) : CliCommand<CliSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, CliSettings settings, Output output, CancellationToken cancellationToken)
    {
        ListSessionsReply reply = await connection.Admin.ListSessionsAsync(new ListSessionsRequest(), connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        if (settings.Json)
        {
            // The list without each schema's text (session show has it): a listing stays small.
            var brief = new ListSessionsReply();
            brief.Sessions.Add(reply.Sessions.Select(s =>
            {
                SessionInfo copy = s.Clone();
                copy.SchemaJson = string.Empty;
                return copy;
            }));
            output.Json(Output.ToNode(brief));
            return ExitCodes.Success;
        }

        output.Write(Output.Rows(
            ["Session", "State", "Schema", "Model", "Rounds", "Banks", "Privacy", "Created"],
            reply.Sessions.Select(s => new[]
            {
                s.SessionId,
                SessionText.State(s),
                s.SchemaName,
                s.ModelKind,
                string.Create(CultureInfo.InvariantCulture, $"{s.CompletedRounds}/{s.TotalRounds}"),
                string.Create(CultureInfo.InvariantCulture, $"{s.MinimumClients}–{s.MaximumClients}"),
                SessionText.Privacy(s),
                Output.Time(s.CreatedUnixMs),
            })));
        return ExitCodes.Success;
    }
}
