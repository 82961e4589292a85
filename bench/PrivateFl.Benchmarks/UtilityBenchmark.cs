using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.ClientSdk;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Benchmarks;

/// <summary>
/// The utility of differentially private federated training on the real data (issues "Differential privacy end to
/// end" and 11): for random splits, a stratified 25% test set and 10 banks sharing the rest (IID, or by bands of one
/// feature), the test ROC AUC of non-private centralised logistic regression, of each bank alone, and of federated
/// training of the chosen model with secure aggregation and record-level DP at each ε, all through the real server and SDK.
/// Arguments: dataset (german|taiwan), model (logistic|mlp), partition (iid|non-iid), splits, ε list (inf = no DP),
/// rounds, server learning rate, clip norm. Without arguments: German credit as in issue "Differential privacy end to end".
/// </summary>
internal static class UtilityBenchmark
{
    private const int Banks = 10;

    public static string DataPath() => BenchScenario.DataPath("german_credit_data.csv");

    public static async Task RunAsync(string[] args)
    {
        string Arg(int index, string fallback) => args.Length > index ? args[index] : fallback;
        BenchScenario scenario = BenchScenario.Create(Arg(0, "german"), Arg(1, "logistic"));
        string partition = Arg(2, "iid");
        int splits = int.Parse(Arg(3, "10"), CultureInfo.InvariantCulture);
        double[] epsilons = [.. Arg(4, "0.5,1,2,4,inf").Split(',').Select(e => e == "inf" ? double.PositiveInfinity : double.Parse(e, CultureInfo.InvariantCulture))];
        int rounds = int.Parse(Arg(5, "10"), CultureInfo.InvariantCulture);
        double serverLearningRate = double.Parse(Arg(6, "3"), CultureInfo.InvariantCulture);
        double clipNorm = double.Parse(Arg(7, "1"), CultureInfo.InvariantCulture);
        CreditDataset all = DatasetLoader.LoadCsv(BenchScenario.DataPath(scenario.File), scenario.Schema);
        CreditModel model = CreditModel.Create(all.Schema, scenario.Model);
        CreditModel scorecard = CreditModel.Create(all.Schema, ModelSpecification.LogisticRegression);
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

            for (int split = 0; split < splits; split++)
            {
                (CreditDataset train, CreditDataset test) = all.StratifiedSplit(0.25, split);
                IReadOnlyList<CreditDataset> shards = scenario.Partition(train, Banks, partition, split);
                var options = new LocalTrainingOptions { Epochs = 200, LearningRate = 0.5, L2Regularization = 0.001, Seed = split };
                centralised.Add(Auc(scorecard, scorecard.Train(scorecard.CreateInitialWeights(), train, options), test));
                alone.Add(shards.Average(shard => Auc(scorecard, scorecard.Train(scorecard.CreateInitialWeights(), shard, options), test)));
                int expectedRows = (int)Math.Round((double)train.RowCount / Banks);
                foreach (double epsilon in epsilons)
                {
                    string session = string.Create(CultureInfo.InvariantCulture, $"{scenario.Name}-{partition}-split{split}-eps{(double.IsInfinity(epsilon) ? "inf" : epsilon.ToString("0.0", CultureInfo.InvariantCulture))}");
                    await admin.CreateSessionAsync(Session(session, model, epsilon, expectedRows, rounds, serverLearningRate, clipNorm), headers);
                    var clients = Enumerable.Range(0, Banks).Select(b => new FederatedClient(
                        new FederatedClientOptions { ServerAddress = address, ClientId = $"bank-{b}", LedgerDirectory = Path.Combine(ledgers, $"bank-{b}"), MaxEpsilon = 10, TrainingSeed = split },
                        keys[b])).ToList();
                    TrainingReport[] reports = await Task.WhenAll(clients.Select((c, b) => c.TrainAsync(session, shards[b])));
                    GlobalModel global = await clients[0].GetGlobalModelAsync(session);
                    federated[epsilon].Add(Auc(model, [.. global.Weights], test));
                    spent[epsilon].Add(global.EpsilonSpent);
                    foreach (FederatedClient client in clients)
                    {
                        client.Dispose();
                    }

                    if (reports.Any(r => r.RoundsParticipated != rounds))
                    {
                        throw new InvalidOperationException($"{session}: a bank took part in fewer than {rounds} rounds: {string.Join(", ", reports.Select(r => $"{r.StopReason}: {r.StopMessage}"))}");
                    }
                }

                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"split {split}: centralised {centralised[^1]:F3}, alone {alone[^1]:F3}, federated {string.Join(", ", epsilons.Select(e => $"ε={e}: {federated[e][^1]:F3}"))}"));
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

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}; {scenario.Name}, {partition}, {model}; {splits} splits, {Banks} banks, {rounds} rounds, η_s = {serverLearningRate}, C = {clipNorm}, wall {clock.Elapsed.TotalSeconds:F0} s"));
        Console.WriteLine($"| Model | Test ROC AUC, mean ± sd over {splits} splits | min – max | ε spent (δ = 10^-5) |");
        Console.WriteLine("| --- | --- | --- | --- |");
        Console.WriteLine(Row("Centralised, non-private (all training rows in one place)", centralised, "∞"));
        Console.WriteLine(Row("Each bank alone, non-private (mean over the 10 banks)", alone, "∞"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Federation minus bank alone, mean over splits: {string.Join(", ", epsilons.Select(e => $"ε={e}: {federated[e].Zip(alone, (f, a) => f - a).Average():+0.000;-0.000}"))}"));
        // Four decimals per split, so that two models run on the same splits can be compared pairwise.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Per split: centralised {string.Join(" ", centralised.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)))}; alone {string.Join(" ", alone.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)))}"));
        foreach (double epsilon in epsilons)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Per split, ε = {epsilon}: {string.Join(" ", federated[epsilon].Select(a => a.ToString("F4", CultureInfo.InvariantCulture)))} (mean {federated[epsilon].Average():F4})"));
        }

        foreach (double epsilon in epsilons)
        {
            string label = double.IsInfinity(epsilon) ? $"Federated {scenario.Model}, secure aggregation, no DP (ε = ∞)" : string.Create(CultureInfo.InvariantCulture, $"Federated {scenario.Model}, secure aggregation, record-level DP, ε = {epsilon}");
            Console.WriteLine(Row(label, federated[epsilon], double.IsInfinity(epsilon) ? "∞" : spent[epsilon].Max().ToString("F3", CultureInfo.InvariantCulture)));
        }
    }

    private static CreateSessionRequest Session(string id, CreditModel model, double epsilon, int expectedRows, int rounds, double serverLearningRate, double clipNorm)
    {
        FeatureSchema schema = model.Schema;
        bool dp = !double.IsInfinity(epsilon);
        var request = new CreateSessionRequest
        {
            SessionId = id,
            SchemaName = schema.Name,
            SchemaHash = schema.Hash,
            ModelLength = (uint)model.ParameterCount,
            Model = ModelSpecMapper.ToProto(model.Specification),
            TotalRounds = (uint)rounds,
            MinimumClients = Banks,
            MaximumClients = Banks,
            SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Complete, DropoutRate = 0.05, CorruptedFraction = 0 },
            Training = new TrainingPlan { Rule = AggregationRule.GradientSum, LocalEpochs = 1, LearningRate = 1, BatchSize = (uint)expectedRows, ClipNorm = clipNorm, QuantizationScale = 1 << 12, ServerLearningRate = serverLearningRate, SamplingRate = 1 },
            Privacy = dp
                ? new PrivacySettings { Mode = DpMode.RecordLevel, EpsilonBudget = epsilon, Delta = 1e-5 }
                : new PrivacySettings { Mode = DpMode.None },
        };
        if (model.Specification.Kind != CreditModelKind.LogisticRegression)
        {
            request.InitialWeights.Add(model.CreateInitialWeights());
        }

        return request;
    }

    private static double Auc(CreditModel model, double[] weights, CreditDataset test) =>
        ModelMetrics.RocAuc(model.PredictProbabilities(weights, test), test.Labels);

    private static string Row(string label, List<double> values, string epsilon)
    {
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return string.Create(CultureInfo.InvariantCulture, $"| {label} | **{mean:F3}** ± {sd:F3} | {values.Min():F3} – {values.Max():F3} | {epsilon} |");
    }
}
