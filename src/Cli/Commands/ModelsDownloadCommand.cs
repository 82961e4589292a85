using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFl.Cli.Internal;
using PrivateFl.ClientSdk;

namespace PrivateFl.Cli.Commands;

/// <summary><c>models download SESSION [--version N] [--out FILE]</c>: a model version's weights and privacy record, as JSON.</summary>
internal sealed class ModelsDownloadCommand(CliEnvironment environment) : CliCommand<ModelsDownloadSettings>(environment)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    protected override async Task<int> RunAsync(ServerConnection connection, ModelsDownloadSettings settings, Output output, CancellationToken cancellationToken)
    {
        using FederatedClient bank = connection.BankClient(settings.ClientId ?? Environment.Variable("PRIVATEFL_CLIENT_ID"), settings.IdentityKey ?? Environment.Variable("PRIVATEFL_IDENTITY_KEY"));
        GlobalModel model = await bank.GetGlobalModelAsync(settings.SessionId, settings.Version, cancellationToken).ConfigureAwait(false);
        string path = Path.GetFullPath(settings.Out ?? $"{model.SessionId}-v{model.Version}.json");
        var weights = new JsonArray();
        foreach (double weight in model.Weights)
        {
            weights.Add(weight);
        }

        var document = new JsonObject
        {
            ["sessionId"] = model.SessionId,
            ["version"] = model.Version,
            ["roundNumber"] = model.RoundNumber,
            ["schemaHash"] = model.SchemaHash,
            ["contributors"] = model.Contributors,
            ["epsilonSpent"] = model.EpsilonSpent,
            ["delta"] = model.Delta,
            ["privacyParametersJson"] = model.PrivacyParametersJson,
            ["weights"] = weights,
        };
        await File.WriteAllTextAsync(path, document.ToJsonString(Indented), cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            output.Json(new JsonObject { ["sessionId"] = model.SessionId, ["version"] = model.Version, ["weights"] = model.Weights.Count, ["file"] = path });
        }
        else
        {
            output.Line($"Model version {model.Version} of {model.SessionId} ({model.Weights.Count} weights) written to {path}.");
        }

        return ExitCodes.Success;
    }
}
