using System.Globalization;
using System.Text.Json;
using FsCheck.Xunit;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk.Tests;

public sealed class CreditScorecardTests
{
    private static readonly double Factor = 20 / Math.Log(2);
    private static readonly double Offset = 600 - (Factor * Math.Log(50));

    private static readonly FeatureSchema Small = new(
        "small",
        1,
        [FeatureColumn.Numeric("Age", 20, 60), FeatureColumn.Categorical("Housing", ["own", "rent"]), FeatureColumn.Categorical("Sex", ["m", "f"]).AsProtected()],
        "Risk",
        "bad",
        "good");

    // [bias, Age, Housing=own, Housing=rent, Housing=(unknown)]
    private static readonly double[] SmallWeights = [0.1, 0.5, -0.2, 0.3, 0.0];

    [Fact]
    public void Create_HandComputedModel_GivesThePointsOfEachBinAndTheScaling()
    {
        CreditScorecard card = CreditScorecard.Create(Small, SmallWeights);

        Assert.Equal(Factor, card.Factor, 12);
        Assert.Equal(Offset, card.Offset, 12);
        Assert.Equal(Offset - (0.9 * Factor), card.BasePoints, 9);
        Assert.Equal(Offset + (0.6 * Factor), card.MaximumScore, 9);
        Assert.Equal(Offset, card.CutoffScore!.Value, 9); // p = 0.5 is even odds
        Assert.Equal(["Sex"], card.ExcludedColumns);
        ScorecardCharacteristic age = card.Characteristics[0];
        Assert.Equal(("Age", FeatureKind.Numeric, Factor), (age.Column, age.Kind, age.ReferencePoints));
        Assert.Equal([20.0, 28, 36, 44, 52], age.Bins.Select(b => b.Lower!.Value));
        Assert.Equal([28.0, 36, 44, 52, 60], age.Bins.Select(b => b.Upper!.Value));
        Assert.Equal(["[20, 28)", "[28, 36)", "[36, 44)", "[44, 52)", "[52, 60]"], age.Bins.Select(b => b.Label));
        Assert.Equal(Factor, age.Bins[0].PointsAtLower, 9);         // the youngest is the best value (w > 0)
        Assert.Equal(0.8 * Factor, age.Bins[0].PointsAtUpper, 9);   // scaled 28 is −0.6: F·(0.5 − 0.5·(−0.6))
        Assert.Equal(0.9 * Factor, age.Bins[0].Points, 9);
        Assert.Equal(0, age.Bins[^1].PointsAtUpper, 9);
        ScorecardCharacteristic housing = card.Characteristics[1];
        Assert.Equal(0.5 * Factor, housing.ReferencePoints, 9);
        Assert.Equal(["own", "rent"], housing.Bins.Select(b => b.Label));
        Assert.Equal(0.5 * Factor, housing.Bins[0].Points, 9);
        Assert.Equal(0, housing.Bins[1].Points, 9);
    }

    [Fact]
    public void Create_UnknownCategoriesAllowed_ListsTheUnknownBucket()
    {
        CreditScorecard card = CreditScorecard.Create(Small, SmallWeights, new CreditPredictorOptions { AllowUnknownCategories = true });

        Assert.Equal(["own", "rent", "(unknown)"], card.Characteristics[1].Bins.Select(b => b.Label));
    }

    [Fact]
    public void Create_ThresholdZeroOrOne_HasNoCutoff()
    {
        Assert.Null(CreditScorecard.Create(Small, SmallWeights, new CreditPredictorOptions { Threshold = 0 }).CutoffScore);
        Assert.Null(CreditScorecard.Create(Small, SmallWeights, new CreditPredictorOptions { Threshold = 1 }).CutoffScore);
        Assert.Contains("scaling,cutoff_score,,,,,,,", CreditScorecard.Create(Small, SmallWeights, new CreditPredictorOptions { Threshold = 1 }).ToCsv(), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WrongWeights_ThrowsNamingWeights()
    {
        Assert.Throws<ArgumentException>("weights", () => CreditScorecard.Create(Small, [0.1, 0.2]));
    }

    [Fact]
    public void Create_LogColumn_HasGeometricBinsRoundedToTwoFigures()
    {
        FeatureSchema taiwan = CreditSchemas.TaiwanCredit;
        var card = CreditScorecard.Create(taiwan, new double[taiwan.EncodedLength + 1]);

        ScorecardCharacteristic limit = card.Characteristics.Single(c => c.Column == "LIMIT_BAL");
        Assert.Equal(NumericTransform.Log, limit.Transform);
        Assert.Equal([0.0, 24, 630, 16000, 400000], limit.Bins.Select(b => b.Lower!.Value));
        Assert.Equal(["AGE", "MARRIAGE", "SEX"], card.ExcludedColumns.Order());
    }

    [Property(MaxTest = 200)]
    public bool Export_RandomGermanModelAndApplicant_PointsAddUpToThePredictorsScore(int seed)
    {
        var random = new Random(seed);
        FeatureSchema schema = CreditSchemas.GermanCredit;
        double[] weights = RandomWeights(schema, random);
        bool unknown = random.Next(3) == 0;
        var options = new CreditPredictorOptions { PointsToDoubleOdds = random.Next(5, 60), BaseScore = random.Next(300, 800), BaseOdds = random.Next(1, 100), AllowUnknownCategories = unknown };
        var predictor = new CreditPredictor(schema, weights, options);
        CreditApplicant applicant = RandomApplicant(random);
        if (unknown && random.Next(2) == 0)
        {
            applicant = applicant with { Purpose = "boat" }; // scored in the unknown bucket, a row of the scorecard
        }

        string[] raw = [.. schema.Columns.Select(c => applicant.ToApplicant().Fields.GetValueOrDefault(c.Name) ?? string.Empty)];

        CreditPrediction prediction = predictor.Predict(applicant);
        ExportedCard json = ExportedCard.FromJson(predictor.Scorecard!.ToJson());

        return Math.Abs(json.Score(schema, raw) - prediction.Score) < 1e-6;
    }

    [Property(MaxTest = 100)]
    public bool Export_RandomTaiwanModel_PointsAddUpToTheScoreOfTheLogOdds(int seed)
    {
        var random = new Random(seed);
        FeatureSchema schema = CreditSchemas.TaiwanCredit;
        double[] weights = RandomWeights(schema, random);
        string[] raw = [.. schema.Columns.Select(c => RandomValue(c, random))];
        double[] features = Encode(schema, raw);

        var card = CreditScorecard.Create(schema, weights);
        double score = Offset - (Factor * LogisticRegression.LogOdds(weights, features));

        return Math.Abs(ExportedCard.FromJson(card.ToJson()).Score(schema, raw) - score) < 1e-6;
    }

    [Property(MaxTest = 100)]
    public bool Export_RandomModel_CsvAndJsonAgreeExactly(int seed, bool taiwan)
    {
        var random = new Random(seed);
        FeatureSchema schema = taiwan ? CreditSchemas.TaiwanCredit : CreditSchemas.GermanCredit;
        var card = CreditScorecard.Create(schema, RandomWeights(schema, random), new CreditPredictorOptions { AllowUnknownCategories = random.Next(2) == 0, Threshold = random.Next(0, 11) / 10.0 });

        ExportedCard fromJson = ExportedCard.FromJson(card.ToJson());
        ExportedCard fromCsv = ExportedCard.FromCsv(card.ToCsv());

        return fromJson.Scaling.OrderBy(p => p.Key).SequenceEqual(fromCsv.Scaling.OrderBy(p => p.Key))
            && fromJson.Rows.SequenceEqual(fromCsv.Rows)
            && fromJson.Rows.Count == card.Characteristics.Sum(c => c.Bins.Count);
    }

    [Property(MaxTest = 200)]
    public bool Reasons_RandomModelAndApplicant_AreThePointsBelowTheReferenceLargestFirst(int seed)
    {
        var random = new Random(seed);
        FeatureSchema schema = CreditSchemas.GermanCredit;
        double[] weights = RandomWeights(schema, random);
        var options = new CreditPredictorOptions { ReasonCount = random.Next(1, 5), Threshold = random.Next(1, 10) / 10.0 };
        var predictor = new CreditPredictor(schema, weights, options);
        CreditApplicant applicant = RandomApplicant(random);
        string[] raw = [.. schema.Columns.Select(c => applicant.ToApplicant().Fields.GetValueOrDefault(c.Name) ?? string.Empty)];
        ExportedCard card = ExportedCard.FromJson(predictor.Scorecard!.ToJson());

        CreditPrediction prediction = predictor.Predict(applicant);

        Dictionary<string, double> lost = card.PointsLost(schema, raw);
        double[] expected = [.. lost.Values.Where(v => v > 1e-9).OrderByDescending(v => v).Take(options.ReasonCount)];
        bool declinedHasReasons = !prediction.IsDefault || predictor.Scorecard!.MaximumScore <= predictor.Scorecard.CutoffScore!.Value + 1e-9 || prediction.Reasons.Count > 0;
        return declinedHasReasons
            && prediction.Reasons.Count == expected.Length
            && prediction.Reasons.Zip(expected).All(p => Math.Abs(p.First.PointsLost - p.Second) < 1e-6 && Math.Abs(lost[p.First.Column] - p.First.PointsLost) < 1e-6);
    }

    [Fact]
    public void Predict_DeclinedApplicantWithBaseScoreAboveCutoff_HasReasons()
    {
        // Every applicant below the reference loses points: the reasons were empty before for a score below the base score.
        FeatureSchema schema = CreditSchemas.GermanCredit;
        double[] weights = new double[schema.EncodedLength + 1];
        weights[0] = -4;
        weights[1 + schema.FeatureNames.ToList().IndexOf("Checking account=little")] = -1;
        weights[1 + schema.FeatureNames.ToList().IndexOf("Checking account=rich")] = -6;
        var predictor = new CreditPredictor(schema, weights);

        CreditPrediction prediction = predictor.Predict(new CreditApplicant { Age = 30, Sex = "male", Job = 2, Housing = "own", CheckingAccount = "moderate", CreditAmount = 1000, Duration = 12, Purpose = "car" });

        Assert.Equal(["Checking account"], prediction.Reasons.Select(r => r.Column));
        Assert.Equal(6 * Factor, prediction.Reasons[0].PointsLost, 9);
    }

    private static double[] RandomWeights(FeatureSchema schema, Random random) =>
        [.. Enumerable.Range(0, schema.EncodedLength + 1).Select(_ => random.Next(4) == 0 ? 0 : (random.NextDouble() * 6) - 3)];

    private static CreditApplicant RandomApplicant(Random random) => new()
    {
        Age = random.Next(18, 101),
        Sex = random.Next(2) == 0 ? "male" : "female",
        Job = random.Next(4),
        Housing = Pick(random, "own", "rent", "free"),
        SavingAccounts = Pick(random, "little", "moderate", "quite rich", "rich", "NA", null),
        CheckingAccount = Pick(random, "little", "moderate", "rich", "none", null),
        CreditAmount = random.Next(3) == 0 ? random.Next(0, 20001) : Math.Round(random.NextDouble() * 20000, 2),
        Duration = random.Next(1, 73),
        Purpose = Pick(random, "car", "radio/TV", "furniture/equipment", "business", "education", "repairs", "domestic appliances", "vacation/others"),
    };

    private static string? Pick(Random random, params string?[] values) => values[random.Next(values.Length)];

    private static string RandomValue(FeatureColumn column, Random random)
    {
        if (column.Kind == FeatureKind.Categorical)
        {
            return column.Vocabulary[random.Next(column.Vocabulary.Count)];
        }

        double min = column.Minimum!.Value;
        double max = column.Maximum!.Value;
        return random.Next(4) switch
        {
            0 => min.ToString("R", CultureInfo.InvariantCulture),
            1 => max.ToString("R", CultureInfo.InvariantCulture),
            2 => Math.Round(min + (random.NextDouble() * (max - min))).ToString("R", CultureInfo.InvariantCulture),
            _ => Math.Clamp(Math.Sign(random.NextDouble() - 0.5) * Math.Exp(random.NextDouble() * 12), min, max).ToString("R", CultureInfo.InvariantCulture),
        };
    }

    private static double[] Encode(FeatureSchema schema, string[] raw)
    {
        double[] features = new double[schema.EncodedLength];
        for (int c = 0; c < raw.Length; c++)
        {
            Assert.True(schema.Encoder.TryParse(c, raw[c], false, out ParsedValue value, out string? reason), reason);
            schema.Encoder.Encode(c, value, features);
        }

        return features;
    }

    /// <summary>A scorecard read back from its JSON or CSV form, scored the way a credit officer would: look up the bin, interpolate.</summary>
    private sealed record ExportedCard(Dictionary<string, double?> Scaling, List<(string Attribute, string Bin, double? Lower, double? Upper, double Points, double AtLower, double AtUpper, double Reference)> Rows)
    {
        public static ExportedCard FromJson(string json)
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            var scaling = new Dictionary<string, double?>(StringComparer.Ordinal);
            foreach (JsonProperty p in root.GetProperty("scaling").EnumerateObject())
            {
                scaling[p.Name] = p.Value.GetDouble();
            }

            foreach (string name in new[] { "threshold", "cutoff_score", "base_points", "maximum_score" })
            {
                JsonElement value = root.GetProperty(name);
                scaling[name] = value.ValueKind == JsonValueKind.Null ? null : value.GetDouble();
            }

            var rows = new List<(string, string, double?, double?, double, double, double, double)>();
            foreach (JsonElement attribute in root.GetProperty("attributes").EnumerateArray())
            {
                foreach (JsonElement bin in attribute.GetProperty("bins").EnumerateArray())
                {
                    rows.Add((
                        attribute.GetProperty("attribute").GetString()!,
                        bin.GetProperty("bin").GetString()!,
                        bin.GetProperty("lower").ValueKind == JsonValueKind.Null ? null : bin.GetProperty("lower").GetDouble(),
                        bin.GetProperty("upper").ValueKind == JsonValueKind.Null ? null : bin.GetProperty("upper").GetDouble(),
                        bin.GetProperty("points").GetDouble(),
                        bin.GetProperty("points_at_lower").GetDouble(),
                        bin.GetProperty("points_at_upper").GetDouble(),
                        attribute.GetProperty("reference_points").GetDouble()));
                }
            }

            return new ExportedCard(scaling, rows);
        }

        public static ExportedCard FromCsv(string csv)
        {
            string[] lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("section,attribute,bin,lower,upper,points,points_at_lower,points_at_upper,reference_points", lines[0]);
            var scaling = new Dictionary<string, double?>(StringComparer.Ordinal);
            var rows = new List<(string, string, double?, double?, double, double, double, double)>();
            foreach (string line in lines.Skip(1))
            {
                string[] f = Fields(line);
                Assert.Equal(9, f.Length);
                if (f[0] == "scaling")
                {
                    scaling[f[1]] = Number(f[5]);
                }
                else
                {
                    rows.Add((f[1], f[2], Number(f[3]), Number(f[4]), Number(f[5])!.Value, Number(f[6])!.Value, Number(f[7])!.Value, Number(f[8])!.Value));
                }
            }

            return new ExportedCard(scaling, rows);
        }

        public double Score(FeatureSchema schema, string[] raw) =>
            Scaling["base_points"]!.Value + Points(schema, raw).Values.Sum(p => p.Points);

        public Dictionary<string, double> PointsLost(FeatureSchema schema, string[] raw) =>
            Points(schema, raw).ToDictionary(p => p.Key, p => p.Value.Reference - p.Value.Points);

        private Dictionary<string, (double Points, double Reference)> Points(FeatureSchema schema, string[] raw)
        {
            var points = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
            for (int c = 0; c < schema.Columns.Count; c++)
            {
                FeatureColumn column = schema.Columns[c];
                if (column.IsProtected)
                {
                    continue;
                }

                var bins = Rows.Where(r => r.Attribute == column.Name).ToList();
                if (column.Kind == FeatureKind.Categorical)
                {
                    Assert.True(schema.Encoder.TryParse(c, raw[c], true, out ParsedValue value, out _));
                    var bin = bins.Single(b => b.Bin == (value.Category < 0 ? FeatureColumn.UnknownCategory : value.Display));
                    points[column.Name] = (bin.Points, bin.Reference);
                    continue;
                }

                double x = double.Parse(raw[c], CultureInfo.InvariantCulture);
                var numericBin = bins.First(b => x < b.Upper || b == bins[^1]);
                double t(double v) => FeatureEncoder.Transform(v, column.Transform);
                double share = (t(x) - t(numericBin.Lower!.Value)) / (t(numericBin.Upper!.Value) - t(numericBin.Lower!.Value));
                points[column.Name] = (numericBin.AtLower + (share * (numericBin.AtUpper - numericBin.AtLower)), numericBin.Reference);
            }

            return points;
        }

        private static double? Number(string text) => text.Length == 0 ? null : double.Parse(text, CultureInfo.InvariantCulture);

        private static string[] Fields(string line)
        {
            var fields = new List<string>();
            var field = new System.Text.StringBuilder();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char ch = line[i];
                if (quoted && ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = !quoted;
                }
                else if (ch == ',' && !quoted)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                {
                    field.Append(ch);
                }
            }

            fields.Add(field.ToString());
            return [.. fields];
        }
    }
}
