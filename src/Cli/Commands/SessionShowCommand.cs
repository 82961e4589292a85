using System.Globalization;
using PrivateFl.Cli.Internal;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary><c>session show SESSION</c>: a session's configuration and state.</summary>
internal sealed class SessionShowCommand(CliEnvironment environment) : CliCommand<SessionSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, SessionSettings settings, Output output, CancellationToken cancellationToken)
    {
        SessionInfo session = await connection.Admin.GetSessionAsync(new GetSessionRequest { SessionId = settings.SessionId }, connection.AdminCall(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        if (settings.Json)
        {
            output.Json(Output.ToNode(session));
        }
        else
        {
            output.Write(Describe(session));
        }

        return ExitCodes.Success;
    }

    /// <summary>The session as a table (also printed by <c>session create</c>).</summary>
    public static Spectre.Console.Table Describe(SessionInfo session) => Output.Properties(
    [
        ("Session", session.SessionId),
        ("State", SessionText.State(session)),
        ("Schema", $"{session.SchemaName} ({session.SchemaHash})"),
        ("Model", string.Create(CultureInfo.InvariantCulture, $"{session.ModelKind}, {session.ModelLength} weights")),
        ("Rounds", string.Create(CultureInfo.InvariantCulture, $"{session.CompletedRounds} of {session.TotalRounds} completed; current model version {session.CurrentModelVersion}")),
        ("Banks per round", string.Create(CultureInfo.InvariantCulture, $"{session.MinimumClients} to {session.MaximumClients}")),
        ("Secure aggregation", SessionText.SecAgg(session)),
        ("Cohorts", SessionText.Cohorts(session)),
        ("Training", SessionText.Training(session)),
        ("Privacy", SessionText.Privacy(session)),
        ("Created", Output.Time(session.CreatedUnixMs)),
    ]);
}
