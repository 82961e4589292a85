using FsCheck;
using FsCheck.Xunit;
using PrivateFl.ClientSdk.Tests.Support;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>The schema-generic applicant: Taiwan applicants scored by column name with both model kinds, every kind of bad field, and the reason method.</summary>
public sealed class ApplicantTests
{
    private static readonly FeatureSchema Taiwan = CreditSchemas.TaiwanCredit;
    private static readonly ModelSpecification Mlp = ModelSpecification.MultilayerPerceptron([6], HiddenActivation.Tanh, initializationSeed: 3, linearSkip: true);

    public static TheoryData<bool> BothKinds => new() { false, true };

    [Theory]
    [MemberData(nameof(BothKinds))]
    public void Predict_TaiwanRowsByColumnName_MatchTheModelOnTheLoadedRows(bool mlp)
    {
        CreditModel model = CreditModel.Create(Taiwan, mlp ? Mlp : ModelSpecification.LogisticRegression);
        double[] weights = TaiwanRows.RandomWeights(model, 7);
        var predictor = new CreditPredictor(model, weights);

        for (int row = 0; row < TaiwanRows.Applicants.Count; row++)
        {
            CreditPrediction prediction = predictor.Predict(TaiwanRows.Applicants[row]);

            double expected = model.PredictProbability(weights, TaiwanRows.Data.GetFeatures(row));
            Assert.Equal(expected, prediction.ProbabilityOfDefault, 12);
            Assert.Equal(1.0, prediction.ProbabilityOfDefault + prediction.ProbabilityGood, 12);
            Assert.Equal(prediction.IsDefault ? "1" : "0", prediction.Label);
            Assert.True(double.IsFinite(prediction.Score));
        }

        Assert.Equal(model.Specification, predictor.Model);
    }

    [Fact]
    public void Validate_EveryKindOfBadField_ListedAtOnceByColumnName()
    {
        var predictor = new CreditPredictor(Taiwan, new double[Taiwan.EncodedLength + 1]);
        Applicant applicant = TaiwanRows.With(
            0,
            ("LIMIT_BAL", "-5"),            // outside the declared range
            ("EDUCATION", "9"),             // not in the vocabulary (nor an alias)
            ("PAY_0", null),                // required, missing
            ("BILL_AMT1", "lots"),          // not a number
            ("limit_bal", "20000"),         // not a column (names are exact)
            ("default", "1"),               // the label
            ("SEX", "3"));                  // protected, but given: still validated

        var exception = Assert.Throws<ApplicantValidationException>(() => predictor.Predict(applicant));

        Assert.Equal("applicant", exception.ParamName);
        Assert.Equal(["BILL_AMT1", "EDUCATION", "LIMIT_BAL", "PAY_0", "SEX", "default", "limit_bal"], exception.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("outside the declared range [0, 10000000]", exception.Errors["LIMIT_BAL"][0], StringComparison.Ordinal);
        Assert.Contains("'-5'", exception.Errors["LIMIT_BAL"][0], StringComparison.Ordinal);
        Assert.Contains("not in the vocabulary", exception.Errors["EDUCATION"][0], StringComparison.Ordinal);
        Assert.Contains("'0' → '4'", exception.Errors["EDUCATION"][0], StringComparison.Ordinal);
        Assert.Contains("required", exception.Errors["PAY_0"][0], StringComparison.Ordinal);
        Assert.Contains("not a number", exception.Errors["BILL_AMT1"][0], StringComparison.Ordinal);
        Assert.Contains("did you mean 'LIMIT_BAL'", exception.Errors["limit_bal"][0], StringComparison.Ordinal);
        Assert.Contains("label column", exception.Errors["default"][0], StringComparison.Ordinal);
        Assert.Equal(exception.Errors.Keys.Order(), predictor.Validate(applicant).Keys.Order());
        Assert.Equal(exception.Errors.Keys.Order(), applicant.Validate(Taiwan).Keys.Order());
    }

    [Fact]
    public void Predict_AliasAndUnknownBucket_FollowTheSchema()
    {
        CreditModel model = CreditModel.Create(Taiwan, ModelSpecification.LogisticRegression);
        double[] weights = TaiwanRows.RandomWeights(model, 11);
        var strict = new CreditPredictor(model, weights);
        var lenient = new CreditPredictor(model, weights, new CreditPredictorOptions { AllowUnknownCategories = true });

        double others = strict.Predict(TaiwanRows.With(0, ("EDUCATION", "4"), ("PAY_0", "3"))).ProbabilityOfDefault;
        double aliased = strict.Predict(TaiwanRows.With(0, ("EDUCATION", "0"), ("PAY_0", "8"))).ProbabilityOfDefault;
        CreditPrediction unknown = lenient.Predict(TaiwanRows.With(0, ("EDUCATION", "9")));

        Assert.Equal(others, aliased);
        Assert.Throws<ApplicantValidationException>(() => strict.Predict(TaiwanRows.With(0, ("EDUCATION", "9"))));
        double[] features = [.. TaiwanRows.Data.GetFeatures(0)];
        int education = Taiwan.FeatureNames.ToList().IndexOf("EDUCATION=2");
        features[education] = 0;
        features[Taiwan.FeatureNames.ToList().IndexOf("EDUCATION=(unknown)")] = 1;
        Assert.Equal(model.PredictProbability(weights, features), unknown.ProbabilityOfDefault, 12);
    }

    [Fact]
    public void Predict_ProtectedColumnsLeftOut_ScoresAsWhenGiven()
    {
        CreditModel model = CreditModel.Create(Taiwan, Mlp);
        var predictor = new CreditPredictor(model, TaiwanRows.RandomWeights(model, 5));

        CreditPrediction given = predictor.Predict(TaiwanRows.Applicants[3]);
        CreditPrediction without = predictor.Predict(TaiwanRows.With(3, ("SEX", null), ("MARRIAGE", null), ("AGE", null)));

        Assert.Equal(given, without with { Reasons = given.Reasons });
        Assert.Equal(given.Reasons, without.Reasons);
    }

    [Fact]
    public void Predict_CreditApplicantAgainstAnotherSchema_ListsItsFieldsAsUnknownAndTheMissingColumn()
    {
        // Changed on purpose (issue 11, "scoring is schema-driven"): a predictor takes any schema, and a German
        // applicant scored against another one is refused field by field instead of at construction.
        var schema = new FeatureSchema("other", 1, [FeatureColumn.Numeric("Income", 0, 1e6)], "Risk", "bad", "good");
        var predictor = new CreditPredictor(schema, new double[2]);

        var exception = Assert.Throws<ApplicantValidationException>(() => predictor.Predict(new CreditApplicant { Age = 30, Purpose = "car" }));

        Assert.Equal(["Age", "Income", "Purpose"], exception.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("Not a column", exception.Errors["Age"][0], StringComparison.Ordinal);
        Assert.Contains("required", exception.Errors["Income"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void ToApplicant_GermanMembers_BecomeTheSchemaColumns()
    {
        var partial = new CreditApplicant { Age = 22, SavingAccounts = "NA", CreditAmount = 5951.5, Job = 2 }.ToApplicant();
        var full = new CreditApplicant { Age = 22, Sex = "male", Job = 2, Housing = "own", SavingAccounts = "NA", CheckingAccount = "rich", CreditAmount = 1, Duration = 6, Purpose = "car" }.ToApplicant();

        Assert.Equal(
            [("Age", "22"), ("Credit amount", "5951.5"), ("Job", "2"), ("Saving accounts", "NA")],
            partial.Fields.Select(f => (f.Key, f.Value)).OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.Equal(CreditSchemas.GermanCredit.Columns.Select(c => c.Name).Order(StringComparer.Ordinal), full.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("Checking account", "rich"), ("Checking account", full.Fields["Checking account"]));
        Assert.Empty(full.Validate(CreditSchemas.GermanCredit));
    }

    [Fact]
    public void Constructor_NumbersTextAndNull_AreReadInvariant()
    {
        var applicant = new Applicant(new Dictionary<string, object?> { ["a"] = 20000, ["b"] = 0.1, ["c"] = "2", ["d"] = null, ["e"] = 12.5m, ["f"] = 1e300 });

        Assert.Equal("20000", applicant.Fields["a"]);
        Assert.Equal("0.1", applicant.Fields["b"]);
        Assert.Equal("2", applicant.Fields["c"]);
        Assert.Null(applicant.Fields["d"]);
        Assert.Equal("12.5", applicant.Fields["e"]);
        Assert.Equal("1E+300", applicant.Fields["f"]);
    }

    [Fact]
    public void Constructor_ValueNeitherTextNorNumber_ThrowsNamingFields()
    {
        Assert.Throws<ArgumentException>("fields", () => new Applicant(new Dictionary<string, object?> { ["AGE"] = DateTime.UnixEpoch }));
        Assert.Throws<ArgumentException>("fields", () => new Applicant([new KeyValuePair<string, string?>("AGE", "1"), new KeyValuePair<string, string?>("AGE", "2")]));
    }

    [Fact]
    public void Predict_Mlp_ReasonsArePointsLostAgainstEachColumnsBestValue()
    {
        CreditModel model = CreditModel.Create(Taiwan, Mlp);
        double[] weights = TaiwanRows.RandomWeights(model, 13, scale: 1.0);
        var options = new CreditPredictorOptions { ReasonCount = 30 };
        var predictor = new CreditPredictor(model, weights, options);
        double factor = options.PointsToDoubleOdds / Math.Log(2);

        for (int row = 0; row < 10; row++)
        {
            CreditPrediction prediction = predictor.Predict(TaiwanRows.Applicants[row]);
            double[] x = [.. TaiwanRows.Data.GetFeatures(row)];
            double z = Logit(model.PredictProbability(weights, x));
            var expected = new List<(string Column, double Points)>();
            int offset = 0;
            foreach (FeatureColumn column in Taiwan.Columns)
            {
                // Every value the column can take, the others held fixed: its categories, or 33 points of its scaled range.
                IEnumerable<double[]> alternatives = column.Kind == FeatureKind.Numeric
                    ? Enumerable.Range(0, 33).Select(k => With(x, offset, column.EncodedLength, s => s[0] = -1 + (k / 16.0)))
                    : Enumerable.Range(0, column.Vocabulary.Count).Select(k => With(x, offset, column.EncodedLength, s => s[k] = 1));
                double lowest = column.EncodedLength == 0 ? z : Math.Min(z, alternatives.Min(a => Logit(model.PredictProbability(weights, a))));
                double points = factor * (z - lowest);
                if (points > 1e-9)
                {
                    expected.Add((column.Name, points));
                }

                offset += column.EncodedLength;
            }

            Assert.Equal(expected.OrderByDescending(e => e.Points).Select(e => e.Column), prediction.Reasons.Select(r => r.Column));
            Assert.All(prediction.Reasons.Zip(expected.OrderByDescending(e => e.Points)), pair => Assert.Equal(pair.Second.Points, pair.First.PointsLost, 6));
            Assert.DoesNotContain(prediction.Reasons, r => r.Column is "SEX" or "MARRIAGE" or "AGE");
        }
    }

    [Property(MaxTest = 100)]
    public bool Predict_LogisticRegression_ReasonsAreTheScorecardReasonCodes(int seed, PositiveInt rowChoice)
    {
        // For a linear model the search is exact: points lost = factor · (w·x over the column − the smallest w·x any value gives).
        CreditModel model = CreditModel.Create(Taiwan, ModelSpecification.LogisticRegression);
        double[] weights = TaiwanRows.RandomWeights(model, seed, scale: 2.0);
        var options = new CreditPredictorOptions { ReasonCount = 30 };
        int row = rowChoice.Get % TaiwanRows.Applicants.Count;
        double factor = options.PointsToDoubleOdds / Math.Log(2);
        double[] x = [.. TaiwanRows.Data.GetFeatures(row)];
        CreditPrediction prediction = new CreditPredictor(model, weights, options).Predict(TaiwanRows.Applicants[row]);

        var expected = new List<(string Column, double Points)>();
        int offset = 0;
        foreach (FeatureColumn column in Taiwan.Columns)
        {
            double part = 0;
            for (int j = offset; j < offset + column.EncodedLength; j++)
            {
                part += weights[j + 1] * x[j];
            }

            double smallest = column.EncodedLength == 0 ? 0
                : column.Kind == FeatureKind.Numeric ? -Math.Abs(weights[offset + 1])
                : weights[(offset + 1)..(offset + 1 + column.Vocabulary.Count)].Min();
            if (factor * (part - smallest) > 1e-9)
            {
                expected.Add((column.Name, factor * (part - smallest)));
            }

            offset += column.EncodedLength;
        }

        return prediction.Reasons.Count == expected.Count
            && prediction.Reasons.Zip(expected.OrderByDescending(e => e.Points)).All(p =>
                p.First.Column == p.Second.Column && Math.Abs(p.First.PointsLost - p.Second.Points) < 1e-9 * Math.Max(1, p.Second.Points));
    }

    private static double[] With(double[] x, int offset, int length, Action<Span<double>> set)
    {
        double[] copy = (double[])x.Clone();
        Array.Clear(copy, offset, length);
        set(copy.AsSpan(offset, length));
        return copy;
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
