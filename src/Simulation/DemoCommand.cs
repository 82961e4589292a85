using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;
using PrivateFl.Server;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Simulation;

/// <summary>
/// The whole system on this machine: the aggregation server in process on loopback with SQLite, N banks as real SDK
/// clients on shards of the real data, SecAgg+ with dropouts, distributed DP; a live table per round, a summary
/// against the non-private baselines, results.json and a chart.
/// </summary>
internal sealed class DemoCommand : AsyncCommand<DemoSettings>
{
    private const string AdminKey = "privatefl-demo-admin-key-not-for-production";
    private const string SessionId = "german-credit-demo";
    // results.json: camelCase keys everywhere, like the privacy parameters it embeds from the server.
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public override async Task<int> ExecuteAsync(CommandContext context, DemoSettings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string output = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(output);
        string database = Path.Combine(output, "privatefl-demo.db");
        foreach (string file in new[] { database, database + "-wal", database + "-shm" })
        {
            File.Delete(file);
        }

        // The data: a stratified 25% test set, the rest shared by the banks.
        var scenario = DemoScenario.Create(settings.Dataset, settings.Model, settings.Hidden);
        CreditDataset all = DatasetLoader.LoadCsv(Path.Combine(AppContext.BaseDirectory, "data", scenario.File), scenario.Schema);
        (CreditDataset train, CreditDataset test) = all.StratifiedSplit(0.25, settings.Seed);
        IReadOnlyList<CreditDataset> shards = scenario.Partition(train, settings.Clients, settings.Partition, settings.Seed);
        var baselineOptions = new LocalTrainingOptions { Epochs = 200, LearningRate = 0.5, L2Regularization = 0.001, Seed = settings.Seed };
        CreditModel model = CreditModel.Create(all.Schema, scenario.Model);
        CreditModel scorecard = CreditModel.Create(all.Schema, ModelSpecification.LogisticRegression);
        double centralised = Auc(scorecard, scorecard.Train(scorecard.CreateInitialWeights(), train, baselineOptions), test);
        double[] alone = [.. shards.Select(s => Auc(scorecard, scorecard.Train(scorecard.CreateInitialWeights(), s, baselineOptions), test))];

        // A short rule: a piped console is 80 columns wide, and a longer title would be cut with an ellipsis.
        AnsiConsole.Write(new Rule("[bold]PrivateFl demo[/]").LeftJustified());
        AnsiConsole.MarkupLine("Banks train one credit model; the server sees only masked, noised sums.");
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, $"Data: {all.RowCount} applicants ({scenario.Citation}); test set {test.RowCount}; {settings.Clients} banks ({settings.Partition}) with {string.Join("/", shards.Select(s => s.RowCount))} rows.");
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, $"Model: {Markup.Escape(model.ToString())}; protected, not model features: {Markup.Escape(string.Join(", ", all.Schema.ProtectedColumns.Select(c => c.Name)))}.");

        await using WebApplication server = await StartServerAsync(database).ConfigureAwait(false);
        Uri address = new(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using GrpcChannel adminChannel = GrpcChannel.ForAddress(address);
        var admin = new Admin.AdminClient(adminChannel);
        var headers = new Metadata { { "x-privatefl-admin-key", AdminKey } };
        var keys = new List<SigningKey>();
        for (int b = 0; b < settings.Clients; b++)
        {
            var key = SigningKey.Generate();
            keys.Add(key);
            await admin.EnrollClientAsync(new EnrollClientRequest { ClientId = BankId(b), IdentityPublicKey = ByteString.CopyFrom(key.PublicKey) }, headers, cancellationToken: cancellationToken);
        }

        SessionInfo session = await admin.CreateSessionAsync(SessionRequest(settings, scenario, train.RowCount), headers, cancellationToken: cancellationToken);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, $"Session [bold]{SessionId}[/]: {DescribePrivacy(session)}; SecAgg+ (semi-honest), {settings.Rounds} rounds; server on {address}.");

        // Which banks drop out, and when: in every third round, a fraction of them goes silent before MaskedInput.
        var random = new Random(settings.Seed);
        int droppers = (int)Math.Round(settings.Clients * settings.Dropout);
        var schedule = Enumerable.Range(1, settings.Rounds).Where(r => r % 3 == 2 && droppers > 0)
            .ToDictionary(r => (long)r, _ => Enumerable.Range(0, settings.Clients).OrderBy(_ => random.Next()).Take(droppers).ToHashSet());
        string ledgers = Path.Combine(output, "bank-ledgers");
        var clients = Enumerable.Range(0, settings.Clients).Select(b =>
        {
            var options = new FederatedClientOptions { ServerAddress = address, ClientId = BankId(b), LedgerDirectory = Path.Combine(ledgers, BankId(b)), MaxEpsilon = Math.Max(4, double.IsInfinity(settings.EpsilonValue) ? 4 : settings.EpsilonValue * 1.01), TrainingSeed = settings.Seed + b };

            // A scheduled bank's masked input never leaves it: the round goes on without it, and it rejoins the next one.
            options.Interceptors.Add(new ScheduledDropouts(round => schedule.TryGetValue(round, out HashSet<int>? banks) && banks.Contains(b)));
            return new FederatedClient(options, keys[b]);
        }).ToList();

        var rows = new List<RoundRow>();
        var table = new Table().Border(TableBorder.Rounded).Title("Rounds (test set: each released model)")
            .AddColumns("Round", "Banks", "Dropped", "In sum", "Log loss", "AUC", "ε spent", "Time");
        var training = Task.WhenAll(clients.Select((c, b) => c.TrainAsync(SessionId, shards[b], cancellationToken: cancellationToken)));
        bool interactive = AnsiConsole.Profile.Capabilities.Interactive;
        async Task<bool> PollAsync()
        {
            bool added = false;
            ListRoundsReply rounds = await admin.ListRoundsAsync(new ListRoundsRequest { SessionId = SessionId }, headers, cancellationToken: cancellationToken);
            foreach (RoundRecord record in rounds.Rounds.Skip(rows.Count))
            {
                RoundRow row = await Describe(record, admin, headers, model, test, clients[0], cancellationToken).ConfigureAwait(false);
                rows.Add(row);
                if (interactive)
                {
                    table.AddRow(Cells(row));
                }
                else
                {
                    // Logs and pipes get one plain line per round as it ends, under a header written once, and no table.
                    AnsiConsole.WriteLine(PlainLine(row));
                }

                added = true;
            }

            return added;
        }

        if (interactive)
        {
            await AnsiConsole.Live(new Rows(table, new Markup(Bar(0, settings.Rounds))))
                .StartAsync(async live =>
                {
                    while (true)
                    {
                        bool done = training.IsCompleted;
                        if (await PollAsync().ConfigureAwait(false))
                        {
                            live.UpdateTarget(new Rows(table, new Markup(Bar(rows.Count(r => r.Outcome == RoundOutcome.Completed), settings.Rounds))));
                        }

                        if (done)
                        {
                            break;
                        }

                        await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
        }
        else
        {
            AnsiConsole.WriteLine("Rounds (test set: each released model)");
            AnsiConsole.WriteLine(PlainHeader);
            while (true)
            {
                bool done = training.IsCompleted;
                await PollAsync().ConfigureAwait(false);
                if (done)
                {
                    break;
                }

                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }

        TrainingReport[] reports = await training.ConfigureAwait(false);
        GlobalModel final = await clients[0].GetGlobalModelAsync(SessionId, cancellationToken: cancellationToken).ConfigureAwait(false);
        double federated = Auc(model, [.. final.Weights], test);
        // Sized for 80 columns, so that no cell wraps when the output is piped.
        var summary = new Table().Border(TableBorder.Rounded).Title("Summary (test ROC AUC)")
            .AddColumns("Model", "AUC", "Privacy")
            .AddRow("Centralised, all rows pooled", centralised.ToString("F3", CultureInfo.InvariantCulture), "none: data pooled")
            .AddRow(string.Create(CultureInfo.InvariantCulture, $"Each bank alone (mean of {alone.Length})"), alone.Average().ToString("F3", CultureInfo.InvariantCulture), "no sharing")
            .AddRow(string.Create(CultureInfo.InvariantCulture, $"[bold]PrivateFl federated, version {final.Version}[/]"), $"[bold]{federated.ToString("F3", CultureInfo.InvariantCulture)}[/]", DescribeModel(final, settings));
        AnsiConsole.Write(summary);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, $"Baselines: non-private {Markup.Escape(ModelSpecification.LogisticRegression.ToString())}; banks alone {alone.Min():F3} to {alone.Max():F3}.");
        // A lender declines by a cut-off of its own choosing; 0.5 would approve nearly everyone at a 20–30% default rate.
        double cutoff = settings.Cutoff ?? (double)train.PositiveCount / train.RowCount;
        IReadOnlyList<string> cardFiles = await ModelCardOutput.WriteAsync(final, all.Schema, scenario.Model, test, cutoff, output, cancellationToken).ConfigureAwait(false);

        string resultsPath = Path.Combine(output, "results.json");
        string chartPath = Path.Combine(output, "auc-and-epsilon.png");
        // Without DP the budget is infinite: JSON has no infinity, so ε is then null, never a string.
        double? budget = settings.DpMode == "none" || double.IsInfinity(settings.EpsilonValue) ? null : settings.EpsilonValue;
        await File.WriteAllTextAsync(resultsPath, JsonSerializer.Serialize(new
        {
            settings = new { settings.Clients, settings.Rounds, epsilon = budget, settings.Dropout, settings.DpMode, settings.Seed, settings.Dataset, settings.Model, settings.Partition },
            model = model.ToString(),
            session = new { SessionId, final.Version, epsilonBudget = budget, final.EpsilonSpent, final.Delta, privacy = JsonDocument.Parse(string.IsNullOrEmpty(final.PrivacyParametersJson) ? "{}" : final.PrivacyParametersJson).RootElement },
            baselines = new { centralised, bankAloneMean = alone.Average(), bankAlone = alone },
            federatedTestAuc = federated,
            rounds = rows.Select(r => new { r.Round, Outcome = OutcomeName(r.Outcome), r.Participants, r.Dropped, r.Included, auc = Finite(r.Auc), logLoss = Finite(r.LogLoss), epsilon = Finite(r.Epsilon), r.Milliseconds }),
            banks = reports.Select((r, b) => new { id = BankId(b), rows = shards[b].RowCount, aloneTestAuc = alone[b], r.RoundsParticipated, r.RoundsLost, r.TrainedNoRounds, r.LocalRocAuc, r.LocalEpsilonSpent, StopReason = r.StopReason.ToString(), r.StopMessage }),
            wallSeconds = clock.Elapsed.TotalSeconds,
        }, Indented), cancellationToken).ConfigureAwait(false);
        ResultsChart.Save(chartPath, rows, centralised, alone, budget);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, $"Wrote [bold]{resultsPath}[/], [bold]{chartPath}[/] and {string.Join(", ", cardFiles.Select(f => $"[bold]{Path.GetFileName(f)}[/]"))} in {clock.Elapsed.TotalSeconds:F1} s.");
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }

        foreach (SigningKey key in keys)
        {
            key.Dispose();
        }

        await server.StopAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static async Task<WebApplication> StartServerAsync(string database)
    {
        WebApplication app = PrivateFlServerApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ServerOptions:Urls"] = "http://127.0.0.1:0",
                ["ServerOptions:AdminApiKey"] = AdminKey,
                ["StorageOptions:DatabasePath"] = database,
                ["RoundOptions:MinimumClients"] = "3",
                ["RoundOptions:GatherWindow"] = "00:00:00.200",
                ["RoundOptions:StageDeadline"] = "00:00:02",
            });
            builder.Logging.ClearProviders();
        });
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }

    private static CreateSessionRequest SessionRequest(DemoSettings settings, DemoScenario scenario, int trainRows)
    {
        FeatureSchema schema = scenario.Schema;
        bool clientLevel = settings.DpMode == "client";
        int expectedRows = (int)Math.Ceiling((double)trainRows / settings.Clients);
        (ModelSpec spec, double[]? initialWeights) = scenario.WireModel();
        var request = new CreateSessionRequest
        {
            SessionId = SessionId,

            // The operator creates the session from the schema file; the server takes the name and hash from it.
            SchemaJson = File.ReadAllText(settings.SchemaFile ?? Path.Combine(AppContext.BaseDirectory, "data", "schemas", schema.Name + ".json")),
            ModelLength = (uint)CreditModel.Create(schema, scenario.Model).ParameterCount,
            Model = spec,
            TotalRounds = (uint)settings.Rounds,
            MinimumClients = (uint)settings.Clients,
            MaximumClients = (uint)settings.Clients,
            SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Harary, DropoutRate = Math.Max(0.05, settings.Dropout), CorruptedFraction = 0 },
            Training = clientLevel ? DemoScenario.ClientLevelPlan(expectedRows) : scenario.RecordLevelPlan(expectedRows),
            Privacy = settings.DpMode == "none"
                ? new PrivacySettings { Mode = DpMode.None }
                : new PrivacySettings { Mode = clientLevel ? DpMode.ClientLevel : DpMode.RecordLevel, EpsilonBudget = settings.EpsilonValue, Delta = clientLevel ? 1.0 / (10 * settings.Clients) : 1e-5 },
        };
        if (initialWeights is not null)
        {
            request.InitialWeights.Add(initialWeights);
        }

        return request;
    }

    private static async Task<RoundRow> Describe(RoundRecord record, Admin.AdminClient admin, Metadata headers, CreditModel model, CreditDataset test, FederatedClient reader, CancellationToken cancellationToken)
    {
        double auc = double.NaN;
        double logLoss = double.NaN;
        double epsilon = double.NaN;
        if (record.RoundOutcome == RoundOutcome.Completed)
        {
            SessionInfo info = await admin.GetSessionAsync(new GetSessionRequest { SessionId = SessionId }, headers, cancellationToken: cancellationToken);
            PrivacyLedgerReply ledger = await admin.GetPrivacyLedgerAsync(new GetPrivacyLedgerRequest { SessionId = SessionId }, headers, cancellationToken: cancellationToken);
            epsilon = info.Privacy.Mode == DpMode.None ? double.PositiveInfinity : ledger.Entries.First(e => e.RoundNumber == record.RoundNumber).EpsilonSpentTotal;
            double[] weights = [.. (await reader.GetGlobalModelAsync(SessionId, record.ModelVersion, cancellationToken).ConfigureAwait(false)).Weights];
            double[] probabilities = model.PredictProbabilities(weights, test);
            auc = ModelMetrics.RocAuc(probabilities, test.Labels);
            logLoss = ModelMetrics.LogLoss(probabilities, test.Labels);
        }

        double milliseconds = record.EndedUnixMs - record.StartedUnixMs;
        return new RoundRow(record.RoundNumber, record.RoundOutcome, record.Participants.Count, record.Dropped.Count, record.Included.Count, auc, logLoss, epsilon, milliseconds);
    }

    /// <summary>An aborted round has no model (NaN) and a round without DP no ε (infinity); JSON has neither, so they are null.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>The outcome as the wire enum and the results file have always spelled it (COMPLETED, ABORTED).</summary>
    private static string OutcomeName(RoundOutcome outcome) => outcome switch
    {
        RoundOutcome.Completed => "COMPLETED",
        RoundOutcome.Aborted => "ABORTED",
        _ => "UNSPECIFIED",
    };

    private const string PlainHeader = "Round  Banks  Dropped  In sum  Log loss    AUC   ε spent     Time";

    /// <summary>One round as a plain, aligned line under <see cref="PlainHeader"/>, for a pipe or a log.</summary>
    private static string PlainLine(RoundRow row) => string.Create(CultureInfo.InvariantCulture,
        $"{row.Round,5}  {row.Participants,5}  {row.Dropped,7}  {(row.Outcome == RoundOutcome.Completed ? row.Included.ToString(CultureInfo.InvariantCulture) : "aborted"),6}  {Number(row.LogLoss, "F4"),8}  {Number(row.Auc, "F3"),5}  {(double.IsInfinity(row.Epsilon) ? "no DP" : Number(row.Epsilon, "F3")),8}  {row.Milliseconds / 1000,5:F2} s");

    // An aborted round has no model to measure: a dash, not "NaN".
    private static string Number(double value, string format) => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string[] Cells(RoundRow row) =>
    [
        row.Round.ToString(CultureInfo.InvariantCulture),
        row.Participants.ToString(CultureInfo.InvariantCulture),
        row.Dropped == 0 ? "0" : $"[yellow]{row.Dropped}[/]",
        row.Outcome == RoundOutcome.Completed ? row.Included.ToString(CultureInfo.InvariantCulture) : "[red]aborted[/]",
        Number(row.LogLoss, "F4"),
        Number(row.Auc, "F3"),
        double.IsInfinity(row.Epsilon) ? "∞ (no DP)" : Number(row.Epsilon, "F3"),
        string.Create(CultureInfo.InvariantCulture, $"{row.Milliseconds / 1000:F2} s"),
    ];

    private static string Bar(int done, int total)
    {
        const int Width = 40;
        int filled = total == 0 ? Width : done * Width / total;
        return $"[green]{new string('━', filled)}[/][grey]{new string('━', Width - filled)}[/] {done}/{total} rounds";
    }

    private static string DescribePrivacy(SessionInfo session) => session.Privacy.Mode switch
    {
        DpMode.RecordLevel => string.Create(CultureInfo.InvariantCulture, $"record-level DP, ε = {session.Privacy.EpsilonBudget:G3}, δ = {session.Privacy.Delta:G2}, noise multiplier σ = {session.Privacy.NoiseMultiplier:F2}"),
        DpMode.ClientLevel => string.Create(CultureInfo.InvariantCulture, $"client-level DP, ε = {session.Privacy.EpsilonBudget:G3}, δ = {session.Privacy.Delta:G2}, σ = {session.Privacy.NoiseMultiplier:F2}"),
        _ => "no differential privacy (secure aggregation only)",
    };

    private static string DescribeModel(GlobalModel model, DemoSettings settings) =>
        settings.DpMode == "none"
            ? "SecAgg; no DP"
            : string.Create(CultureInfo.InvariantCulture, $"{settings.DpMode}-level DP, ε = {model.EpsilonSpent:F3}");

    private static double Auc(CreditModel model, double[] weights, CreditDataset test) =>
        ModelMetrics.RocAuc(model.PredictProbabilities(weights, test), test.Labels);

    private static string BankId(int bank) => $"bank-{bank + 1:D2}";
}
