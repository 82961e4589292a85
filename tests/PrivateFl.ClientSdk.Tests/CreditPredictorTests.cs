using FsCheck;
using FsCheck.Xunit;
using PrivateFl.ClientSdk.Tests.Support;

namespace PrivateFl.ClientSdk.Tests;

public sealed class CreditPredictorTests
{
    private static readonly FeatureSchema Schema = CreditSchemas.GermanCredit;

    private static readonly CreditApplicant Applicant = new()
    {
        Age = 22,
        Sex = "female",
        Job = 2,
        Housing = "own",
        SavingAccounts = "little",
        CheckingAccount = "moderate",
        CreditAmount = 5951,
        Duration = 48,
        Purpose = "radio/TV",
    };

    private static readonly Lazy<double[]> TrainedWeights = new(() =>
        LocalTrainer.Train(LogisticRegression.CreateWeights(Schema), CreditFiles.GermanCredit, new LocalTrainingOptions()));

    [Fact]
    public void Predict_BaseOdds_ScoresTheBaseScore()
    {
        var predictor = new CreditPredictor(Schema, BiasOnly(-Math.Log(50)));

        CreditPrediction prediction = predictor.Predict(Applicant);

        Assert.Equal(600, prediction.Score, 9);
        Assert.Equal(1.0 / 51, prediction.ProbabilityOfDefault, 15);
        Assert.Equal(50.0 / 51, prediction.ProbabilityGood, 15);
        Assert.Equal("good", prediction.Label);
        Assert.False(prediction.IsDefault);
        Assert.Empty(prediction.Reasons);
    }

    [Theory]
    [InlineData(100.0, 620.0)]
    [InlineData(200.0, 640.0)]
    [InlineData(25.0, 580.0)]
    [InlineData(1.0, 600.0 - (20 * 5.643856189774724))]
    public void Predict_OddsGoodToBad_ScoresByPointsToDoubleTheOdds(double oddsGood, double expectedScore)
    {
        var predictor = new CreditPredictor(Schema, BiasOnly(-Math.Log(oddsGood)));

        Assert.Equal(expectedScore, predictor.Predict(Applicant).Score, 9);
    }

    [Property(MaxTest = 200)]
    public bool Predict_OddsDoubled_AddsExactlyPdoPoints(NormalFloat bias, PositiveInt pdoChoice)
    {
        double b = Math.Clamp(bias.Get, -30, 30);
        double pdo = pdoChoice.Get % 100 + 1;
        var options = new CreditPredictorOptions { PointsToDoubleOdds = pdo };
        double score = new CreditPredictor(Schema, BiasOnly(b), options).Predict(Applicant).Score;

        double doubled = new CreditPredictor(Schema, BiasOnly(b - Math.Log(2)), options).Predict(Applicant).Score;

        return Math.Abs(doubled - score - pdo) < 1e-9;
    }

    [Fact]
    public void Predict_CustomScaling_UsesOffsetAndFactor()
    {
        var options = new CreditPredictorOptions { BaseScore = 500, BaseOdds = 20, PointsToDoubleOdds = 40 };
        var predictor = new CreditPredictor(Schema, BiasOnly(-Math.Log(80)), options);

        // 80:1 is 20:1 doubled twice.
        Assert.Equal(580, predictor.Predict(Applicant).Score, 9);
    }

    [Fact]
    public void Predict_ThresholdOption_DecidesTheLabel()
    {
        double[] weights = BiasOnly(0); // PD = 0.5

        Assert.Equal("bad", new CreditPredictor(Schema, weights).Predict(Applicant).Label);
        Assert.Equal("good", new CreditPredictor(Schema, weights, new CreditPredictorOptions { Threshold = 0.6 }).Predict(Applicant).Label);
        Assert.True(new CreditPredictor(Schema, weights, new CreditPredictorOptions { Threshold = 0.4 }).Predict(Applicant).IsDefault);
    }

    [Fact]
    public void Predict_KnownContributions_ListsReasonsLargestFirstWithTheirPoints()
    {
        double[] weights = BiasOnly(-3);
        weights[1 + Feature("Duration")] = 2.0;                        // best at 1 month (scaled −1)
        weights[1 + Feature("Checking account=moderate")] = 0.5;
        weights[1 + Feature("Purpose=radio/TV")] = -1.0;                // the best purpose: no points lost
        weights[1 + Feature("Credit amount")] = 4.0;                    // best at 0 DM (scaled −1)
        weights[1 + Feature("Job=2")] = 0.1;
        var predictor = new CreditPredictor(Schema, weights);

        CreditPrediction prediction = predictor.Predict(Applicant);

        // Points lost are measured against each attribute's best attainable points: factor · (w·x − min over values of w·x).
        double factor = 20 / Math.Log(2);
        Assert.Equal(
            [("Duration", "48"), ("Credit amount", "5951"), ("Checking account", "moderate")],
            prediction.Reasons.Select(r => (r.Column, r.Value)));
        Assert.Equal(factor * 2.0 * (2.0 * 47 / 71), prediction.Reasons[0].PointsLost, 9);
        Assert.Equal(factor * 4.0 * (2.0 * 5951 / 20000), prediction.Reasons[1].PointsLost, 9);
        Assert.Equal(factor * 0.5, prediction.Reasons[2].PointsLost, 9);
    }

    [Fact]
    public void Predict_TrainedModelOnRealApplicants_ReasonsAreSortedPositiveAndNameRealColumns()
    {
        var predictor = new CreditPredictor(Schema, TrainedWeights.Value, new CreditPredictorOptions { ReasonCount = 4 });
        string[] columns = [.. Schema.Columns.Select(c => c.Name)];
        var applicants = new[]
        {
            Applicant,
            Applicant with { CheckingAccount = "little", Duration = 60, Age = 19, SavingAccounts = null, Purpose = "education" },
            Applicant with { CheckingAccount = "NA", Duration = 6, Age = 60, Housing = "free", Job = 3 },
        };

        foreach (CreditApplicant applicant in applicants)
        {
            CreditPrediction prediction = predictor.Predict(applicant);

            Assert.InRange(prediction.Reasons.Count, 1, 4);
            Assert.All(prediction.Reasons, r => Assert.Contains(r.Column, columns));
            Assert.All(prediction.Reasons, r => Assert.True(r.PointsLost > 0));
            Assert.Equal(prediction.Reasons.OrderByDescending(r => r.PointsLost).Select(r => r.Column), prediction.Reasons.Select(r => r.Column));
            Assert.Equal(prediction.Reasons.Count, prediction.Reasons.Select(r => r.Column).Distinct().Count());
        }
    }

    [Fact]
    public void Predict_TrainedModel_RiskierApplicantScoresLower()
    {
        var predictor = new CreditPredictor(Schema, TrainedWeights.Value);
        CreditApplicant safe = Applicant with { CheckingAccount = "NA", Duration = 6, CreditAmount = 1000, SavingAccounts = "rich" };
        CreditApplicant risky = Applicant with { CheckingAccount = "little", Duration = 72, CreditAmount = 15000, SavingAccounts = "little" };

        CreditPrediction safePrediction = predictor.Predict(safe);
        CreditPrediction riskyPrediction = predictor.Predict(risky);

        Assert.True(safePrediction.Score > riskyPrediction.Score);
        Assert.True(safePrediction.ProbabilityOfDefault < riskyPrediction.ProbabilityOfDefault);
        Assert.Equal(1.0, safePrediction.ProbabilityOfDefault + safePrediction.ProbabilityGood, 15);
    }

    [Fact]
    public void Predict_NoAccountSpellings_AreTheSameCategory()
    {
        var predictor = new CreditPredictor(Schema, TrainedWeights.Value);

        double none = predictor.Predict(Applicant with { SavingAccounts = "none", CheckingAccount = "none" }).Score;
        double na = predictor.Predict(Applicant with { SavingAccounts = "NA", CheckingAccount = "NA" }).Score;
        double absent = predictor.Predict(Applicant with { SavingAccounts = null, CheckingAccount = " " }).Score;

        Assert.Equal(none, na);
        Assert.Equal(none, absent);
    }

    [Fact]
    public void Predict_MatchesTheModelOnTheLoadedRow()
    {
        // Row 1 of german_credit_data.csv is the Applicant above (label bad).
        double[] weights = TrainedWeights.Value;
        double expected = LogisticRegression.PredictProbability(weights, CreditFiles.GermanCredit.GetFeatures(1));

        double actual = new CreditPredictor(Schema, weights).Predict(Applicant).ProbabilityOfDefault;

        Assert.Equal(expected, actual, 15);
    }

    [Fact]
    public void Predict_EveryBadField_IsReportedAtOnce()
    {
        var predictor = new CreditPredictor(Schema, TrainedWeights.Value);
        var applicant = new CreditApplicant
        {
            Age = 999,
            Sex = "x",
            Job = 7,
            Housing = null,
            SavingAccounts = "lots",
            CheckingAccount = null,
            CreditAmount = double.NaN,
            Duration = null,
            Purpose = "boat",
        };

        var exception = Assert.Throws<ApplicantValidationException>(() => predictor.Predict(applicant));

        Assert.Equal("applicant", exception.ParamName);
        Assert.Equal(
            ["Age", "CreditAmount", "Duration", "Housing", "Job", "Purpose", "SavingAccounts", "Sex"],
            exception.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("[18, 100]", exception.Errors["Age"][0], StringComparison.Ordinal);
        Assert.Contains("'999'", exception.Errors["Age"][0], StringComparison.Ordinal);
        Assert.Contains("'0', '1', '2', '3'", exception.Errors["Job"][0], StringComparison.Ordinal);
        Assert.Contains("required", exception.Errors["Housing"][0], StringComparison.Ordinal);
        Assert.Contains("not a number", exception.Errors["CreditAmount"][0], StringComparison.Ordinal);
        Assert.Contains("'NA' → 'none'", exception.Errors["SavingAccounts"][0], StringComparison.Ordinal);
        Assert.Equal(exception.Errors.Keys.Order(), predictor.Validate(applicant).Keys.Order());
    }

    [Fact]
    public void Validate_ValidApplicant_IsEmpty()
    {
        Assert.Empty(new CreditPredictor(Schema, BiasOnly(0)).Validate(Applicant));
    }

    [Fact]
    public void Predict_UnknownCategoryAllowed_ScoresTheUnknownBucket()
    {
        double[] weights = BiasOnly(0);
        weights[1 + Feature("Purpose=(unknown)")] = 1.5;
        var predictor = new CreditPredictor(Schema, weights, new CreditPredictorOptions { AllowUnknownCategories = true });

        CreditPrediction prediction = predictor.Predict(Applicant with { Purpose = "boat" });

        Assert.Equal(LogisticRegression.Sigmoid(1.5), prediction.ProbabilityOfDefault, 15);
        Assert.Equal(("Purpose", "boat"), (prediction.Reasons[0].Column, prediction.Reasons[0].Value));
    }

    [Fact]
    public void Constructor_WrongWeightCount_ThrowsNamingWeights()
    {
        Assert.Throws<ArgumentException>("weights", () => new CreditPredictor(Schema, new double[35]));
    }

    [Fact]
    public void Constructor_InvalidOption_ThrowsNamingOptions()
    {
        var exception = Assert.Throws<ArgumentException>("options", () => new CreditPredictor(Schema, BiasOnly(0), new CreditPredictorOptions { BaseOdds = 0 }));

        Assert.Contains("CreditPredictorOptions.BaseOdds", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CopiesTheWeights()
    {
        double[] weights = BiasOnly(-Math.Log(50));
        var predictor = new CreditPredictor(Schema, weights);

        weights[0] = 5;

        Assert.Equal(600, predictor.Predict(Applicant).Score, 9);
    }

    private static double[] BiasOnly(double bias)
    {
        double[] weights = LogisticRegression.CreateWeights(Schema);
        weights[0] = bias;
        return weights;
    }

    private static int Feature(string name)
    {
        int index = Schema.FeatureNames.ToList().IndexOf(name);
        Assert.True(index >= 0, $"no feature {name}");
        return index;
    }
}
