using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PrivateFl.ClientSdk;

/// <summary>
/// The model card of one released model version (Mitchell et al., "Model Cards for Model Reporting", FAT* 2019): the
/// schema, the model and its hyperparameters, the banks and rounds, the privacy guarantee with its mechanism and
/// accountant, and, when the operator supplies a labelled test set, the test metrics and the
/// <see cref="FairnessReport"/>. Immutable; write it with <see cref="ToJson"/> or <see cref="ToMarkdown"/>.
/// </summary>
/// <remarks>
/// Everything on the card is public already (the released model and its privacy record, the session's schema and
/// model); only the optional test set is the operator's, and the card holds nothing of it but aggregate figures over
/// the whole set and over groups.
/// </remarks>
public sealed class ModelCard
{
    private ModelCard(GlobalModel model, FeatureSchema schema, ModelSpecification specification, PrivacyRecord privacy, TestSetMetrics? metrics, FairnessReport? fairness)
    {
        SessionId = model.SessionId;
        ModelVersion = model.Version;
        RoundNumber = model.RoundNumber;
        Banks = model.Contributors;
        Schema = schema;
        Model = specification;
        ParameterCount = model.Weights.Count;
        PrivacyMode = privacy.Mode;
        Epsilon = privacy.Mode == "none" ? null : model.EpsilonSpent;
        Delta = privacy.Mode == "none" ? null : model.Delta;
        Mechanism = privacy.Mechanism;
        Accountant = privacy.Accountant;
        NoiseMultiplier = privacy.NoiseMultiplier;
        ClipNorm = privacy.ClipNorm;
        SamplingRate = privacy.SamplingRate;
        TestMetrics = metrics;
        Fairness = fairness;
    }

    /// <summary>Gets the training session.</summary>
    public string SessionId { get; }

    /// <summary>Gets the model version; each completed round releases one, so it is also the number of rounds the model has been trained for.</summary>
    public long ModelVersion { get; }

    /// <summary>Gets the number of the round that released the version (aborted rounds count too).</summary>
    public long RoundNumber { get; }

    /// <summary>Gets how many banks' updates the releasing round summed.</summary>
    public int Banks { get; }

    /// <summary>Gets the schema the model reads (its name, version and hash are on the card).</summary>
    public FeatureSchema Schema { get; }

    /// <summary>Gets the model family and its hyperparameters.</summary>
    public ModelSpecification Model { get; }

    /// <summary>Gets the number of weights.</summary>
    public int ParameterCount { get; }

    /// <summary>Gets the differential-privacy mode: <c>record-level</c>, <c>client-level</c> or <c>none</c>.</summary>
    public string PrivacyMode { get; }

    /// <summary>Gets ε spent by the session when the version was released; <see langword="null"/> without differential privacy.</summary>
    public double? Epsilon { get; }

    /// <summary>Gets δ; <see langword="null"/> without differential privacy.</summary>
    public double? Delta { get; }

    /// <summary>Gets the privacy mechanism, in words.</summary>
    public string Mechanism { get; }

    /// <summary>Gets the accountant that computed ε, as the server recorded it; <see langword="null"/> when none was recorded.</summary>
    public string? Accountant { get; }

    /// <summary>Gets the noise multiplier σ; <see langword="null"/> when none was recorded.</summary>
    public double? NoiseMultiplier { get; }

    /// <summary>Gets the clipping norm C; <see langword="null"/> when none was recorded.</summary>
    public double? ClipNorm { get; }

    /// <summary>Gets the sampling rate q; <see langword="null"/> when none was recorded.</summary>
    public double? SamplingRate { get; }

    /// <summary>Gets the metrics on the operator's test set; <see langword="null"/> when none was supplied.</summary>
    public TestSetMetrics? TestMetrics { get; }

    /// <summary>Gets the fairness report on the operator's test set; <see langword="null"/> when none was supplied.</summary>
    public FairnessReport? Fairness { get; }

    /// <summary>Creates the card of a released model version.</summary>
    /// <param name="model">The released version.</param>
    /// <param name="schema">The session's schema.</param>
    /// <param name="specification">The session's model; <see langword="null"/> for logistic regression.</param>
    /// <param name="testSet">The operator's labelled test set over <paramref name="schema"/>, loaded with <see cref="DatasetLoader"/>; <see langword="null"/> for none.</param>
    /// <param name="threshold">The probability of default from which an applicant is declined, in [0, 1]. Default: 0.5.</param>
    /// <returns>The card.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="schema"/> is <see langword="null"/>.</exception>
    /// <exception cref="SchemaMismatchException">The model belongs to another schema.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the model, or the test set has another schema.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is outside [0, 1].</exception>
    public static ModelCard Create(GlobalModel model, FeatureSchema schema, ModelSpecification? specification = null, CreditDataset? testSet = null, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(schema);
        if (!(threshold >= 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be in [0, 1].");
        }

        if (!string.Equals(schema.Hash, model.SchemaHash, StringComparison.Ordinal))
        {
            throw new SchemaMismatchException($"Model version {model.Version} of session '{model.SessionId}' belongs to schema {model.SchemaHash}; the given schema is {schema}.");
        }

        specification ??= ModelSpecification.LogisticRegression;
        CreditModel credit = CreditModel.Create(schema, specification);
        if (model.Weights.Count != credit.ParameterCount)
        {
            throw new ArgumentException($"Model version {model.Version} has {model.Weights.Count} weights; a {credit} has {credit.ParameterCount}.", nameof(model));
        }

        TestSetMetrics? metrics = null;
        FairnessReport? fairness = null;
        if (testSet is not null)
        {
            if (!string.Equals(testSet.Schema.Hash, schema.Hash, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The test set has schema {testSet.Schema}; the model's is {schema}.", nameof(testSet));
            }

            double[] probabilities = credit.PredictProbabilities([.. model.Weights], testSet);
            bool bothClasses = testSet.PositiveCount is > 0 && testSet.PositiveCount < testSet.RowCount;
            metrics = new TestSetMetrics(
                testSet.RowCount,
                testSet.PositiveCount,
                bothClasses ? ModelMetrics.RocAuc(probabilities, testSet.Labels) : null,
                ModelMetrics.LogLoss(probabilities, testSet.Labels),
                ModelMetrics.Accuracy(probabilities, testSet.Labels, threshold),
                threshold);
            fairness = FairnessReport.Create(testSet, probabilities, threshold);
        }

        return new ModelCard(model, schema, specification, PrivacyRecord.Read(model.PrivacyParametersJson), metrics, fairness);
    }

    /// <summary>Writes the card as JSON (snake_case names).</summary>
    /// <param name="indented">Whether to indent the document. Default: <see langword="true"/>.</param>
    /// <returns>The JSON document.</returns>
    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            json.WriteString("session_id", SessionId);
            json.WriteNumber("model_version", ModelVersion);
            json.WriteNumber("round_number", RoundNumber);
            json.WriteNumber("banks", Banks);
            json.WriteStartObject("schema");
            json.WriteString("name", Schema.Name);
            json.WriteNumber("version", Schema.Version);
            json.WriteString("hash", Schema.Hash);
            json.WriteNumber("features", Schema.EncodedLength);
            json.WriteStartArray("protected_columns");
            foreach (FeatureColumn column in Schema.ProtectedColumns)
            {
                json.WriteStringValue(column.Name);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("model");
            json.WriteString("kind", KindName(Model.Kind));
            json.WriteString("description", Model.ToString());
            json.WriteNumber("parameters", ParameterCount);
            if (Model.Kind == CreditModelKind.MultilayerPerceptron)
            {
                json.WriteStartArray("hidden_units");
                foreach (int units in Model.HiddenUnits)
                {
                    json.WriteNumberValue(units);
                }

                json.WriteEndArray();
                json.WriteString("activation", Model.Activation.ToString().ToLowerInvariant());
                json.WriteBoolean("linear_skip", Model.LinearSkip);
                json.WriteNumber("initialization_seed", Model.InitializationSeed);
            }

            json.WriteEndObject();
            json.WriteStartObject("privacy");
            json.WriteString("mode", PrivacyMode);
            WriteNullable(json, "epsilon", Epsilon);
            WriteNullable(json, "delta", Delta);
            json.WriteString("mechanism", Mechanism);
            if (Accountant is null)
            {
                json.WriteNull("accountant");
            }
            else
            {
                json.WriteString("accountant", Accountant);
            }

            WriteNullable(json, "noise_multiplier", NoiseMultiplier);
            WriteNullable(json, "clip_norm", ClipNorm);
            WriteNullable(json, "sampling_rate", SamplingRate);
            json.WriteEndObject();
            if (TestMetrics is { } m)
            {
                json.WriteStartObject("test_metrics");
                json.WriteNumber("rows", m.Count);
                json.WriteNumber("defaults", m.Defaults);
                WriteNullable(json, "roc_auc", m.RocAuc);
                json.WriteNumber("log_loss", m.LogLoss);
                json.WriteNumber("accuracy", m.Accuracy);
                json.WriteNumber("threshold", m.Threshold);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("test_metrics");
            }

            if (Fairness is { } f)
            {
                json.WriteStartObject("fairness");
                json.WriteNumber("threshold", f.Threshold);
                json.WriteNumber("rows", f.Count);
                json.WriteNumber("approval_rate", f.ApprovalRate);
                WriteNullable(json, "roc_auc", f.RocAuc);
                json.WriteStartArray("columns");
                foreach (ProtectedColumnFairness column in f.Columns)
                {
                    json.WriteStartObject();
                    json.WriteString("column", column.Column);
                    json.WriteNumber("approval_rate_ratio", column.ApprovalRateRatio);
                    json.WriteBoolean("meets_four_fifths_rule", column.MeetsFourFifthsRule);
                    json.WriteStartArray("groups");
                    foreach (ProtectedGroupMetrics group in column.Groups)
                    {
                        json.WriteStartObject();
                        json.WriteString("group", group.Group);
                        json.WriteNumber("rows", group.Count);
                        json.WriteNumber("defaults", group.Defaults);
                        json.WriteNumber("approved", group.Approved);
                        json.WriteNumber("approval_rate", group.ApprovalRate);
                        WriteNullable(json, "roc_auc", group.RocAuc);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("fairness");
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the card as Markdown (CommonMark with pipe tables) for people to read.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        CultureInfo inv = CultureInfo.InvariantCulture;
        md.Append(inv, $"# Model card: {Escape(SessionId)}, model version {ModelVersion}\n\n");
        md.Append("| | |\n| --- | --- |\n");
        md.Append(inv, $"| Schema | {Escape(Schema.Name)} v{Schema.Version}, SHA-256 `{Schema.Hash}`, {Schema.EncodedLength} features |\n");
        md.Append(inv, $"| Protected columns (not model features) | {(Schema.ProtectedColumns.Count == 0 ? "none" : Escape(string.Join(", ", Schema.ProtectedColumns.Select(c => c.Name))))} |\n");
        md.Append(inv, $"| Model | {Escape(Model.ToString())}, {ParameterCount} weights |\n");
        md.Append(inv, $"| Training | {ModelVersion} completed rounds (released by round {RoundNumber}); {Banks} banks in the releasing round; secure aggregation (SecAgg+) |\n");
        md.Append(inv, $"| Privacy | {(Epsilon is { } e ? string.Create(inv, $"{PrivacyMode} DP, ε = {e:G4}, δ = {Delta:G3}") : "no differential privacy")} |\n");
        md.Append(inv, $"| Mechanism | {Escape(Mechanism)}{(NoiseMultiplier is { } s ? string.Create(inv, $"; σ = {s:G4}") : string.Empty)}{(ClipNorm is { } c ? string.Create(inv, $", C = {c:G4}") : string.Empty)}{(SamplingRate is { } q ? string.Create(inv, $", q = {q:G4}") : string.Empty)} |\n");
        md.Append(inv, $"| Accountant | {Escape(Accountant ?? "none recorded")} |\n\n");
        md.Append("## Test metrics\n\n");
        if (TestMetrics is { } m)
        {
            md.Append("| Rows | Defaults | ROC AUC | Log loss | Accuracy | Threshold |\n| --- | --- | --- | --- | --- | --- |\n");
            md.Append(inv, $"| {m.Count} | {m.Defaults} | {Figure(m.RocAuc)} | {m.LogLoss:F4} | {m.Accuracy:F3} | {m.Threshold:G3} |\n\n");
        }
        else
        {
            md.Append("No test set was supplied.\n\n");
        }

        md.Append("## Fairness\n\n");
        if (Fairness is { } f)
        {
            md.Append(inv, $"Approved: probability of default below {f.Threshold:G3}. Overall approval rate {f.ApprovalRate:F3}, ROC AUC {Figure(f.RocAuc)}, {f.Count} rows. The approval-rate ratio is the lowest group's rate over the highest; below {FairnessReport.FourFifths:G2} (the four-fifths rule) it is read as adverse impact.\n\n");
            foreach (ProtectedColumnFairness column in f.Columns)
            {
                md.Append(inv, $"### {Escape(column.Column)}: approval-rate ratio {column.ApprovalRateRatio:F3}{(column.MeetsFourFifthsRule ? string.Empty : " (below four fifths)")}\n\n");
                md.Append("| Group | Rows | Defaults | Approved | Approval rate | ROC AUC |\n| --- | --- | --- | --- | --- | --- |\n");
                foreach (ProtectedGroupMetrics group in column.Groups)
                {
                    md.Append(inv, $"| {Escape(group.Group)} | {group.Count} | {group.Defaults} | {group.Approved} | {group.ApprovalRate:F3} | {Figure(group.RocAuc)} |\n");
                }

                md.Append('\n');
            }

            if (f.Columns.Count == 0)
            {
                md.Append("The schema protects no column.\n\n");
            }
        }
        else
        {
            md.Append("No test set was supplied.\n\n");
        }

        return md.ToString();
    }

    private static string Figure(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "n/a";

    // Names come from schemas and sessions: a pipe or a line break must not break the table.
    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string KindName(CreditModelKind kind) => kind == CreditModelKind.MultilayerPerceptron ? "multilayer-perceptron" : "logistic-regression";

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>The fields of the server's privacy record (server: Coordination/PrivacyRecord) the card shows; unknown or missing ones stay null.</summary>
    private sealed record PrivacyRecord(string Mode, string Mechanism, string? Accountant, double? NoiseMultiplier, double? ClipNorm, double? SamplingRate)
    {
        public static PrivacyRecord Read(string json)
        {
            string mode = "none";
            string? accountant = null;
            double? sigma = null;
            double? clip = null;
            double? rate = null;
            if (!string.IsNullOrWhiteSpace(json))
            {
                try
                {
                    using JsonDocument document = JsonDocument.Parse(json);
                    JsonElement root = document.RootElement;
                    if (root.ValueKind == JsonValueKind.Object)
                    {
                        mode = String(root, "mode") switch
                        {
                            "RecordLevel" => "record-level",
                            "ClientLevel" => "client-level",
                            _ => "none",
                        };
                        accountant = String(root, "accountant");
                        sigma = Number(root, "noiseMultiplier");
                        clip = Number(root, "clipNorm");
                        rate = Number(root, "samplingRate");
                    }
                }
                catch (JsonException)
                {
                    // An unreadable record leaves the card without mechanism details rather than without a card.
                }
            }

            string mechanism = mode switch
            {
                "record-level" => "record-level DP-SGD: each example's gradient clipped to L2 norm C, distributed discrete Gaussian noise added by the banks under secure aggregation (Kairouz, Liu, Steinke 2021)",
                "client-level" => "client-level DP (DP-FedAvg): each bank's model update clipped to L2 norm C, distributed discrete Gaussian noise added by the banks under secure aggregation",
                _ => "none: secure aggregation only",
            };
            return mode == "none" ? new PrivacyRecord(mode, mechanism, null, null, null, null) : new PrivacyRecord(mode, mechanism, accountant, sigma, clip, rate);
        }

        private static string? String(JsonElement root, string name) =>
            root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static double? Number(JsonElement root, string name) =>
            root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
    }
}
