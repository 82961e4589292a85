using System.Text.Json;
using PrivateFl.ClientSdk;

namespace PrivateFl.Cli.Tests;

/// <summary>
/// The README's walkthrough done with the CLI against a real server: enrol the banks, create a session from the Taiwan
/// schema file, let the banks train with the key files the CLI wrote, then list, show, rounds, ledger and models, and
/// export the scorecard and model card as a bank's SDK makes them.
/// </summary>
public sealed class WalkthroughTests
{
    private static readonly string TaiwanSchemaFile = Path.Combine(AppContext.BaseDirectory, "data", "schemas", "taiwan-credit.json");

    [Fact]
    public async Task Walkthrough_EnrolCreateTrainInspectExport_EveryCommandAnswersWhatTheServerHolds()
    {
        await using CliServer server = await CliServer.StartAsync();
        string keys = Path.Combine(server.Directory, "keys");

        // Enrol three banks (secure aggregation needs at least 3).
        string[] banks = ["bank-01", "bank-02", "bank-03"];
        foreach (string bank in banks)
        {
            JsonElement enrolled = (await Cli.JsonAsync(server, "enrol", bank, "--key-out", Path.Combine(keys, bank + ".key"))).Json();
            Assert.Equal(bank, enrolled.GetProperty("client").GetProperty("clientId").GetString());
        }

        JsonElement clients = (await Cli.JsonAsync(server, "clients")).Json();
        Assert.Equal(banks, clients.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("clientId").GetString()).Order(StringComparer.Ordinal));

        // A session from the Taiwan schema file, with the demo's defaults but for the banks and rounds.
        JsonElement created = (await Cli.JsonAsync(server, "session", "create", "taiwan", "--schema", TaiwanSchemaFile, "--banks", "3", "--rounds", "2")).Json();
        FeatureSchema taiwan = FeatureSchema.FromJson(await File.ReadAllTextAsync(TaiwanSchemaFile));
        Assert.Equal("taiwan", created.GetProperty("sessionId").GetString());
        Assert.Equal(taiwan.Hash, created.GetProperty("schemaHash").GetString());
        Assert.Equal(CreditModel.Create(taiwan, ModelSpecification.LogisticRegression).ParameterCount, created.GetProperty("modelLength").GetInt32());
        Assert.Equal("DP_MODE_RECORD_LEVEL", created.GetProperty("privacy").GetProperty("mode").GetString());
        Assert.Equal(1.0, created.GetProperty("privacy").GetProperty("epsilonBudget").GetDouble());

        // The banks train with the key files enrol wrote, read as FederatedClientOptions:IdentityKeyFile.
        CreditDataset all = DatasetLoader.LoadCsv(Path.Combine(AppContext.BaseDirectory, "data", "taiwan_credit_card_default.csv"), taiwan);
        IReadOnlyList<CreditDataset> shards = all.StratifiedShards(60, 1);
        var bankClients = banks.Select(b => new FederatedClient(new FederatedClientOptions
        {
            ServerAddress = server.Address,
            ClientId = b,
            IdentityKeyFile = Path.Combine(keys, b + ".key"),
            LedgerDirectory = Path.Combine(server.Directory, "ledgers", b),
            TrainingSeed = 3,
            MaxRetries = 2,
        })).ToList();
        try
        {
            TrainingReport[] reports = await Task.WhenAll(bankClients.Select((c, i) => c.TrainAsync("taiwan", shards[i])));
            Assert.All(reports, r => Assert.Equal(2, r.ModelVersion));
        }
        finally
        {
            bankClients.ForEach(c => c.Dispose());
        }

        JsonElement sessions = (await Cli.JsonAsync(server, "sessions")).Json();
        JsonElement listed = Assert.Single(sessions.GetProperty("sessions").EnumerateArray());
        Assert.Equal("SESSION_STATE_COMPLETED", listed.GetProperty("sessionState").GetString());

        JsonElement shown = (await Cli.JsonAsync(server, "session", "show", "taiwan")).Json();
        Assert.Equal(2, shown.GetProperty("completedRounds").GetInt32());
        Assert.Equal(taiwan.Hash, FeatureSchema.FromJson(shown.GetProperty("schemaJson").GetString()!).Hash);

        JsonElement rounds = (await Cli.JsonAsync(server, "rounds", "taiwan")).Json();
        Assert.Equal(["ROUND_OUTCOME_COMPLETED", "ROUND_OUTCOME_COMPLETED"], rounds.GetProperty("rounds").EnumerateArray().Select(r => r.GetProperty("roundOutcome").GetString()));

        JsonElement ledger = (await Cli.JsonAsync(server, "ledger", "taiwan")).Json();
        Assert.Equal(2, ledger.GetProperty("entries").GetArrayLength());
        double spent = ledger.GetProperty("epsilonSpent").GetDouble();
        Assert.InRange(spent, 1e-6, 1.0);

        JsonElement models = (await Cli.JsonAsync(server, "models", "taiwan")).Json();
        Assert.Equal([0L, 1L, 2L], models.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt64()));
        Assert.Equal(2, models.GetProperty("currentVersion").GetInt64());
        Assert.Equal(spent, models.GetProperty("versions")[2].GetProperty("epsilonSpent").GetDouble());

        // The tables answer too.
        foreach (string[] command in new[] { ["clients"], ["sessions"], ["session", "show", "taiwan"], ["rounds", "taiwan"], ["ledger", "taiwan"], ["models", "taiwan"], new[] { "health" } })
        {
            CliResult table = await Cli.TableAsync(server, command);
            Assert.True(table.ExitCode == 0, $"{string.Join(' ', command)}: {table.Error}");
            Assert.Empty(table.Error);
            Assert.NotEmpty(table.Output);
        }

        // Download and export, as bank-01.
        string[] bank01 = ["--client-id", "bank-01", "--identity-key", Path.Combine(keys, "bank-01.key")];
        string weightsFile = Path.Combine(server.Directory, "v1.json");
        JsonElement downloaded = (await Cli.JsonAsync(server, ["models", "download", "taiwan", "--version", "1", "--out", weightsFile, .. bank01])).Json();
        Assert.Equal(1, downloaded.GetProperty("version").GetInt64());
        using JsonDocument weights = JsonDocument.Parse(await File.ReadAllTextAsync(weightsFile));
        Assert.Equal(created.GetProperty("modelLength").GetInt32(), weights.RootElement.GetProperty("weights").GetArrayLength());

        string scorecardFile = Path.Combine(server.Directory, "scorecard.csv");
        string cardFile = Path.Combine(server.Directory, "model-card.md");
        JsonElement exported = (await Cli.JsonAsync(server, ["models", "export", "taiwan", "--scorecard", scorecardFile, "--model-card", cardFile, .. bank01])).Json();
        Assert.Equal(2, exported.GetProperty("version").GetInt64());

        // What a bank's SDK gives for the same model.
        using var reader = new FederatedClient(new FederatedClientOptions { ServerAddress = server.Address, ClientId = "bank-02", IdentityKeyFile = Path.Combine(keys, "bank-02.key"), LedgerDirectory = Path.Combine(server.Directory, "ledgers", "bank-02") });
        TrainingSessionInfo info = await reader.GetSessionAsync("taiwan");
        GlobalModel model = await reader.GetGlobalModelAsync("taiwan");
        Assert.Equal(model.CreatePredictor(info.Schema!, info.Model ?? ModelSpecification.LogisticRegression).Scorecard!.ToCsv(), await File.ReadAllTextAsync(scorecardFile));
        Assert.Equal(ModelCard.Create(model, info.Schema!, info.Model).ToMarkdown(), await File.ReadAllTextAsync(cardFile));
    }

    [Fact]
    public async Task SessionCreate_Template_SendsTheBuiltInSchemaAndItsModelLength()
    {
        await using CliServer server = await CliServer.StartAsync();

        JsonElement created = (await Cli.JsonAsync(server, "session", "create", "german", "--template", "german-credit", "--banks", "4", "--dp", "client", "--rounds", "3")).Json();

        FeatureSchema german = CreditSchemas.GermanCredit;
        Assert.Equal(german.Hash, created.GetProperty("schemaHash").GetString());
        Assert.Equal(german.EncodedLength + 1, created.GetProperty("modelLength").GetInt32());
        Assert.Equal("DP_MODE_CLIENT_LEVEL", created.GetProperty("privacy").GetProperty("mode").GetString());
        Assert.Equal("AGGREGATION_RULE_FEDERATED_AVERAGING", created.GetProperty("training").GetProperty("rule").GetString());
        Assert.Equal(1.0 / 40, created.GetProperty("privacy").GetProperty("delta").GetDouble(), 12);
        Assert.Equal(4, created.GetProperty("maximumClients").GetInt32());
    }

    [Fact]
    public async Task SessionCreate_CohortOptions_AreTheSessionsCohorts()
    {
        await using CliServer server = await CliServer.StartAsync();

        JsonElement created = (await Cli.JsonAsync(server, "session", "create", "c", "--template", "german-credit", "--banks", "12", "--min-banks", "6", "--cohort-size", "4", "--min-cohort-size", "3", "--min-cohorts", "2")).Json();

        JsonElement cohorts = created.GetProperty("cohorts");
        Assert.Equal((4, 3, 2), (cohorts.GetProperty("cohortSize").GetInt32(), cohorts.GetProperty("minimumCohortSize").GetInt32(), cohorts.GetProperty("minimumCohorts").GetInt32()));
        Assert.Equal(0, (await Cli.TableAsync(server, "session", "show", "c")).ExitCode);
    }

    [Fact]
    public async Task SessionCreate_Mlp_SendsTheSeededInitialWeightsTheBanksReDerive()
    {
        await using CliServer server = await CliServer.StartAsync();
        await Cli.JsonAsync(server, "enrol", "bank-01", "--key-out", Path.Combine(server.Directory, "bank-01.key"));

        JsonElement created = (await Cli.JsonAsync(server, "session", "create", "mlp", "--template", "german-credit", "--model", "mlp", "--hidden", "8", "--banks", "3")).Json();

        ModelSpecification mlp = ModelSpecification.MultilayerPerceptron([8], HiddenActivation.Tanh, initializationSeed: 1, linearSkip: true);
        CreditModel model = CreditModel.Create(CreditSchemas.GermanCredit, mlp);
        Assert.Equal(model.ParameterCount, created.GetProperty("modelLength").GetInt32());
        using var bank = new FederatedClient(new FederatedClientOptions { ServerAddress = server.Address, ClientId = "bank-01", IdentityKeyFile = Path.Combine(server.Directory, "bank-01.key"), LedgerDirectory = Path.Combine(server.Directory, "ledger") });
        GlobalModel initial = await bank.GetGlobalModelAsync("mlp");
        Assert.Equal(model.CreateInitialWeights(), initial.Weights);
    }
}
