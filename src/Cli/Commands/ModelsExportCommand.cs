using System.Text.Json.Nodes;
using PrivateFl.Cli.Internal;
using PrivateFl.ClientSdk;

namespace PrivateFl.Cli.Commands;

/// <summary>
/// <c>models export SESSION --scorecard FILE --model-card FILE</c>: the scorecard and the model card of a version, made
/// by the SDK's public API from the session's schema and model exactly as a bank's REST host makes them.
/// </summary>
internal sealed class ModelsExportCommand(CliEnvironment environment) : CliCommand<ModelsExportSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, ModelsExportSettings settings, Output output, CancellationToken cancellationToken)
    {
        using FederatedClient bank = connection.BankClient(settings.ClientId ?? Environment.Variable("PRIVATEFL_CLIENT_ID"), settings.IdentityKey ?? Environment.Variable("PRIVATEFL_IDENTITY_KEY"));
        TrainingSessionInfo session = await bank.GetSessionAsync(settings.SessionId, cancellationToken).ConfigureAwait(false);
        FeatureSchema schema = session.Schema
            ?? (CreditSchemas.Find(session.SchemaName) is { } builtIn && builtIn.Hash == session.SchemaHash ? builtIn : null)
            ?? throw new CliException($"Session '{session.SessionId}' carries no schema and names no built-in one ('{session.SchemaName}', {session.SchemaHash}); its model cannot be explained.", ExitCodes.ServerRefused);
        ModelSpecification specification = session.Model ?? ModelSpecification.LogisticRegression;
        GlobalModel model = await bank.GetGlobalModelAsync(settings.SessionId, settings.Version, cancellationToken).ConfigureAwait(false);
        var written = new JsonObject { ["sessionId"] = model.SessionId, ["version"] = model.Version };
        if (!string.IsNullOrWhiteSpace(settings.Scorecard))
        {
            CreditPredictor predictor = model.CreatePredictor(schema, specification, new CreditPredictorOptions { Threshold = settings.Threshold });
            CreditScorecard scorecard = predictor.Scorecard
                ?? throw new CliException($"Session '{session.SessionId}' trains a {specification}: its score is not a sum of points per attribute, so there is no scorecard. Export the model card only.", ExitCodes.BadArguments);
            string path = Path.GetFullPath(settings.Scorecard);
            bool csv = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
            await File.WriteAllTextAsync(path, csv ? scorecard.ToCsv() : scorecard.ToJson(), cancellationToken).ConfigureAwait(false);
            written["scorecard"] = path;
        }

        if (!string.IsNullOrWhiteSpace(settings.ModelCard))
        {
            ModelCard card = ModelCard.Create(model, schema, specification, testSet: null, threshold: settings.Threshold);
            string path = Path.GetFullPath(settings.ModelCard);
            bool markdown = path.EndsWith(".md", StringComparison.OrdinalIgnoreCase);
            await File.WriteAllTextAsync(path, markdown ? card.ToMarkdown() : card.ToJson(), cancellationToken).ConfigureAwait(false);
            written["modelCard"] = path;
        }

        if (settings.Json)
        {
            output.Json(written);
        }
        else
        {
            output.Line($"Model version {model.Version} of {model.SessionId}: " + string.Join("; ", new[] { ("scorecard", written["scorecard"]), ("model card", written["modelCard"]) }.Where(w => w.Item2 is not null).Select(w => $"{w.Item1} written to {w.Item2}")) + ".");
        }

        return ExitCodes.Success;
    }
}
