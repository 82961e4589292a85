using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Benchmarks;

/// <summary>
/// The utility of differentially private federated training on the real data (issue "Differential privacy end to
/// end"): for 10 random splits, a stratified 25% test set and 10 banks sharing the rest, the test ROC AUC of
/// non-private centralised logistic regression, of each bank alone, and of federated training with secure
/// aggregation and record-level DP at ε ∈ {0.5, 1, 2, 4, ∞}, all through the real server and SDK.
/// </summary>
internal static class UtilityBenchmark
{
    private const int Banks = 10;
    private const int Splits = 10;
    private const int Rounds = 10;

    public static string DataPath()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "PrivateFl.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run the benchmark from inside the repository.");
        }

        return Path.Combine(root, "data", "german_credit_data.csv");
    }

    public static async Task RunAsync()
    {
        CreditDataset all = DatasetLoader.LoadCsv(DataPath(), CreditSchemas.GermanCredit);
        double[] epsilons = [0.5, 1, 2, 4, double.PositiveInfinity];
        var centralised = new List<double>();
        var alone = new List<double>();
        var federated = epsilons.ToDictionary(e => e, _ => new List<double>());
        var spent = epsilons.ToDictionary(e => e, _ => new List<double>());
        string database = Path.Combine(Path.GetTempPath(), $"privatefl-utility-{Guid.NewGuid():n}.db");
        string ledgers = Path.Combine(Path.GetTempPath(), $"privatefl-utility-ledgers-{Guid.NewGuid():n}");
        int port = EndToEndBenchmark.FreePort();
        using Process server = EndToEndBenchmark.StartServer(port, database);
        var address = new Uri($"http://127.0.0.1:{port}");
        var clock = Stopwatch.StartNew();
        try
        {
            using GrpcChannel adminChannel = GrpcChannel.ForAddress(address);
            var admin = new Admin.AdminClient(adminChannel);
            var headers = new Metadata { { "x-privatefl-admin-key", EndToEndBenchmark.AdminKey } };
            await EndToEndBenchmark.WaitUntilUpAsync(admin, headers);
            var keys = new SigningKey[Banks];
            for (int b = 0; b < Banks; b++)
            {
                keys[b] = SigningKey.Generate();
                await admin.EnrollClientAsync(new EnrollClientRequest { ClientId = $"bank-{b}", IdentityPublicKey = ByteString.CopyFrom(keys[b].PublicKey) }, headers);
            }

            for (int split = 0; split < Splits; split++)
            {
                (CreditDataset train, CreditDataset test) = all.StratifiedSplit(0.25, split);
                IReadOnlyList<CreditDataset> shards = train.StratifiedShards(Banks, split);
                var options = new LocalTrainingOptions { Epochs = 200, LearningRate = 0.5, L2Regularization = 0.001, Seed = split };
                centralised.Add(Auc(LocalTrainer.Train(LogisticRegression.CreateWeights(all.Schema), train, options), test));
                alone.Add(shards.Average(shard => Auc(LocalTrainer.Train(LogisticRegression.CreateWeights(all.Schema), shard, options), test)));
                int expectedRows = (int)Math.Round((double)train.RowCount / Banks);
                foreach (double epsilon in epsilons)
                {
                    string session = string.Create(CultureInfo.InvariantCulture, $"split{split}-eps{(double.IsInfinity(epsilon) ? "inf" : epsilon.ToString("0.0", CultureInfo.InvariantCulture))}");
                    await admin.CreateSessionAsync(Session(session, epsilon, expectedRows), headers);
                    var clients = Enumerable.Range(0, Banks).Select(b => new FederatedClient(
                        new FederatedClientOptions { ServerAddress = address, ClientId = $"bank-{b}", LedgerDirectory = Path.Combine(ledgers, $"bank-{b}"), MaxEpsilon = 10, TrainingSeed = split },
                        keys[b])).ToList();
                    TrainingReport[] reports = await Task.WhenAll(clients.Select((c, b) => c.TrainAsync(session, shards[b])));
                    GlobalModel model = await clients[0].GetGlobalModelAsync(session);
                    federated[epsilon].Add(Auc([.. model.Weights], test));
                    spent[epsilon].Add(model.EpsilonSpent);
                    foreach (FederatedClient client in clients)
                    {
                        client.Dispose();
                    }

                    if (reports.Any(r => r.RoundsParticipated != Rounds))
                    {
                        throw new InvalidOperationException($"{session}: a bank took part in fewer than {Rounds} rounds: {string.Join(", ", reports.Select(r => r.StopReason))}");
                    }
                }

                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"split {split}: centralised {centralised[^1]:F3}, alone {alone[^1]:F3}, ε=1 {federated[1][^1]:F3}"));
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            foreach (string file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }

            if (Directory.Exists(ledgers))
            {
                Directory.Delete(ledgers, recursive: true);
            }
        }

        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}; {Splits} splits, {Banks} banks, {Rounds} rounds, wall {clock.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine("| Model | Test ROC AUC, mean ± sd over 10 splits | min – max | ε spent (δ = 10^-5) |");
        Console.WriteLine("| --- | --- | --- | --- |");
        Console.WriteLine(Row("Centralised, non-private (all training rows in one place)", centralised, "∞"));
        Console.WriteLine(Row("Each bank alone, non-private (mean over the 10 banks)", alone, "∞"));
        foreach (double epsilon in epsilons)
        {
            string label = double.IsInfinity(epsilon) ? "Federated, secure aggregation, no DP (ε = ∞)" : string.Create(CultureInfo.InvariantCulture, $"Federated, secure aggregation, record-level DP, ε = {epsilon}");
            Console.WriteLine(Row(label, federated[epsilon], double.IsInfinity(epsilon) ? "∞" : spent[epsilon].Max().ToString("F3", CultureInfo.InvariantCulture)));
        }
    }

    private static CreateSessionRequest Session(string id, double epsilon, int expectedRows)
    {
        FeatureSchema schema = CreditSchemas.GermanCredit;
        bool dp = !double.IsInfinity(epsilon);
        return new CreateSessionRequest
        {
            SessionId = id,
            SchemaName = schema.Name,
            SchemaHash = schema.Hash,
            ModelLength = (uint)(schema.EncodedLength + 1),
            TotalRounds = Rounds,
            MinimumClients = Banks,
            MaximumClients = Banks,
            SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Complete, DropoutRate = 0.05, CorruptedFraction = 0 },
            Training = new TrainingPlan { Rule = AggregationRule.GradientSum, LocalEpochs = 1, LearningRate = 1, BatchSize = (uint)expectedRows, ClipNorm = 1, QuantizationScale = 1 << 12, ServerLearningRate = 3, SamplingRate = 1 },
            Privacy = dp
                ? new PrivacySettings { Mode = DpMode.RecordLevel, EpsilonBudget = epsilon, Delta = 1e-5 }
                : new PrivacySettings { Mode = DpMode.None },
        };
    }

    private static double Auc(double[] weights, CreditDataset test) =>
        ModelMetrics.RocAuc(LogisticRegression.PredictProbabilities(weights, test), test.Labels);

    private static string Row(string label, List<double> values, string epsilon)
    {
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return string.Create(CultureInfo.InvariantCulture, $"| {label} | **{mean:F3}** ± {sd:F3} | {values.Min():F3} – {values.Max():F3} | {epsilon} |");
    }
}
