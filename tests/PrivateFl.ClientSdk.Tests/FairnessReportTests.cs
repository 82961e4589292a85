using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.ClientSdk.Tests.Support;

namespace PrivateFl.ClientSdk.Tests;

public sealed class FairnessReportTests
{
    // Six applicants; the probabilities of default are given, so every figure below is counted by hand.
    private static readonly (string Sex, int Age, string Risk, double P)[] Six =
    [
        ("male", 20, "good", 0.2),
        ("male", 30, "bad", 0.7),
        ("male", 70, "good", 0.1),
        ("female", 22, "bad", 0.6),
        ("female", 40, "good", 0.65),
        ("female", 66, "good", 0.3),
    ];

    [Fact]
    public void Create_HandCountedData_GivesEachGroupsCountRateAndAuc()
    {
        CreditDataset data = Load(Six.Select(r => (r.Sex, r.Age, r.Risk)));

        FairnessReport report = FairnessReport.Create(data, Six.Select(r => r.P).ToArray());

        Assert.Equal(6, report.Count);
        Assert.Equal(0.5, report.ApprovalRate, 15);
        Assert.Equal(7.0 / 8, report.RocAuc!.Value, 15); // 0.7 beats 4 negatives, 0.6 beats 3 of 4
        ProtectedColumnFairness sex = Assert.Single(report.Columns);
        Assert.Equal("Sex", sex.Column);
        Assert.Equal(
            [new ProtectedGroupMetrics("male", 3, 1, 2, 2.0 / 3, 1.0), new ProtectedGroupMetrics("female", 3, 1, 1, 1.0 / 3, 0.5)],
            sex.Groups);
        Assert.Equal(0.5, sex.ApprovalRateRatio, 15);
        Assert.False(sex.MeetsFourFifthsRule);
    }

    [Fact]
    public void Create_NumericProtectedColumn_GroupsByTheDocumentedAgeBands()
    {
        CreditDataset data = Load(Six.Select(r => (r.Sex, r.Age, r.Risk)), ageProtected: true);

        FairnessReport report = FairnessReport.Create(data, Six.Select(r => r.P).ToArray());

        ProtectedColumnFairness age = report.Columns.Single(c => c.Column == "Age");
        Assert.Equal(
            [
                new ProtectedGroupMetrics("[18, 25)", 2, 1, 1, 0.5, 1.0),
                new ProtectedGroupMetrics("[25, 35)", 1, 1, 0, 0.0, null),
                new ProtectedGroupMetrics("[35, 45)", 1, 0, 0, 0.0, null),
                new ProtectedGroupMetrics("[65, 100]", 2, 0, 2, 1.0, null),
            ],
            age.Groups);
        Assert.Equal(0, age.ApprovalRateRatio);
    }

    [Theory]
    [InlineData(25, "[25, 35)")]
    [InlineData(24, "[18, 25)")]
    [InlineData(18, "[18, 25)")]
    [InlineData(65, "[65, 100]")]
    [InlineData(100, "[65, 100]")]
    public void Create_AgeOnAnEdge_FallsInTheBandItOpens(int age, string band)
    {
        CreditDataset data = Load([("male", age, "good"), ("male", 50, "bad")], ageProtected: true);

        FairnessReport report = FairnessReport.Create(data, [0.1, 0.9]);

        Assert.Equal(band, report.Columns.Single(c => c.Column == "Age").Groups.Single(g => g.Group != "[45, 55)").Group);
    }

    [Fact]
    public void Create_ProbabilityAtTheThreshold_IsDeclined()
    {
        CreditDataset data = Load([("male", 30, "good"), ("female", 30, "good")]);

        FairnessReport report = FairnessReport.Create(data, [0.5, 0.4999], threshold: 0.5);

        Assert.Equal([0.0, 1.0], report.Columns[0].Groups.Select(g => g.ApprovalRate));
        Assert.Equal(0, report.Columns[0].ApprovalRateRatio);
        Assert.Null(report.RocAuc);
    }

    [Fact]
    public void Create_NobodyApproved_RatioIsOne()
    {
        CreditDataset data = Load([("male", 30, "good"), ("female", 30, "bad")]);

        Assert.Equal(1, FairnessReport.Create(data, [0.9, 0.9]).Columns[0].ApprovalRateRatio);
    }

    [Fact]
    public void Create_CustomBandEdges_AreUsedAndEdgesOutsideTheRangeIgnored()
    {
        CreditDataset data = Load(Six.Select(r => (r.Sex, r.Age, r.Risk)), ageProtected: true);

        FairnessReport report = FairnessReport.Create(data, Six.Select(r => r.P).ToArray(), numericBandEdges: [10, 62, 200]);

        Assert.Equal(["[18, 62)", "[62, 100]"], report.Columns.Single(c => c.Column == "Age").Groups.Select(g => g.Group));
    }

    [Fact]
    public void Create_BadArguments_ThrowNamingTheParameter()
    {
        CreditDataset data = Load([("male", 30, "good")]);

        Assert.Throws<ArgumentException>("probabilitiesOfDefault", () => FairnessReport.Create(data, [0.1, 0.2]));
        Assert.Throws<ArgumentException>("probabilitiesOfDefault", () => FairnessReport.Create(data, [1.5]));
        Assert.Throws<ArgumentOutOfRangeException>("threshold", () => FairnessReport.Create(data, [0.1], threshold: 2));
        Assert.Throws<ArgumentException>("numericBandEdges", () => FairnessReport.Create(data, [0.1], numericBandEdges: [30, 20]));
    }

    [Fact]
    public void Create_SplitOfTheRealData_KeepsProtectedValuesWithTheirRows()
    {
        CreditDataset all = CreditFiles.GermanCredit;
        (CreditDataset train, CreditDataset test) = all.StratifiedSplit(0.25, 3);
        CreditModel model = CreditModel.Create(all.Schema, ModelSpecification.LogisticRegression);
        double[] weights = model.Train(model.CreateInitialWeights(), train, new LocalTrainingOptions());

        FairnessReport report = FairnessReport.Create(model, weights, test);
        FairnessReport whole = FairnessReport.Create(all, new double[all.RowCount]);

        // german_credit_data.csv: 690 male and 310 female applicants.
        Assert.Equal([690, 310], whole.Columns[0].Groups.Select(g => g.Count));
        Assert.Equal(test.RowCount, report.Columns[0].Groups.Sum(g => g.Count));
        Assert.InRange(report.RocAuc!.Value, 0.6, 1);
        Assert.InRange(report.Columns[0].ApprovalRateRatio, 0, 1);
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(Applicants)])]
    public bool Create_RandomData_RatesMatchADirectCountAndTheRatioIsInUnitInterval(ApplicantSample sample)
    {
        CreditDataset data = Load(sample.Rows.Select(r => (r.Sex, r.Age, r.Risk)), ageProtected: true);
        double[] p = [.. sample.Rows.Select(r => r.P)];

        FairnessReport report = FairnessReport.Create(data, p, sample.Threshold);

        bool ok = report.Columns.Count == 2;
        foreach (ProtectedColumnFairness column in report.Columns)
        {
            Func<(string Sex, int Age, string Risk, double P), string> groupOf = column.Column == "Sex"
                ? r => r.Sex
                : r => r.Age switch { < 25 => "[18, 25)", < 35 => "[25, 35)", < 45 => "[35, 45)", < 55 => "[45, 55)", < 65 => "[55, 65)", _ => "[65, 100]" };
            var expected = sample.Rows.GroupBy(groupOf).ToDictionary(g => g.Key, g => (Count: g.Count(), Approved: g.Count(r => r.P < sample.Threshold), Defaults: g.Count(r => r.Risk == "bad")));
            ok &= column.Groups.Count == expected.Count && column.Groups.Sum(g => g.Count) == sample.Rows.Length;
            foreach (ProtectedGroupMetrics group in column.Groups)
            {
                (int count, int approved, int defaults) = expected[group.Group];
                ok &= group.Count == count && group.Approved == approved && group.Defaults == defaults
                    && group.ApprovalRate == approved / (double)count
                    && (group.RocAuc is null) == (defaults == 0 || defaults == count);
            }

            double[] rates = [.. column.Groups.Select(g => g.ApprovalRate)];
            ok &= column.ApprovalRateRatio is >= 0 and <= 1
                && (rates.Max() == 0 ? column.ApprovalRateRatio == 1 : Math.Abs(column.ApprovalRateRatio - (rates.Min() / rates.Max())) < 1e-15);
        }

        return ok;
    }

    public sealed record ApplicantSample((string Sex, int Age, string Risk, double P)[] Rows, double Threshold)
    {
        public override string ToString() => $"threshold {Threshold}: {string.Join("; ", Rows.Select(r => $"{r.Sex} {r.Age} {r.Risk} {r.P}"))}";
    }

    public static class Applicants
    {
        public static Arbitrary<ApplicantSample> Samples() =>
            (from n in Gen.Choose(1, 40)
             from rows in Gen.ArrayOf(
                 from sex in Gen.Elements("male", "female")
                 from age in Gen.Choose(18, 100)
                 from risk in Gen.Elements("good", "bad")
                 from p in Gen.Choose(0, 1000)
                 select (sex, age, risk, p / 1000.0), n)
             from threshold in Gen.Choose(0, 20)
             select new ApplicantSample(rows, threshold / 20.0)).ToArbitrary();
    }

    private static CreditDataset Load(IEnumerable<(string Sex, int Age, string Risk)> rows, bool ageProtected = false)
    {
        var csv = new StringBuilder(CreditFiles.Header).Append('\n');
        foreach ((string sex, int age, string risk) in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{age},{sex},2,own,little,moderate,1000,12,car,{risk}\n");
        }

        FeatureSchema schema = ageProtected ? AgeProtected.Value : CreditSchemas.GermanCredit;
        return DatasetLoader.LoadCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), schema);
    }

    private static readonly Lazy<FeatureSchema> AgeProtected = new(() =>
    {
        FeatureSchema german = CreditSchemas.GermanCredit;
        return new FeatureSchema("german-credit-age-protected", 1, german.Columns.Select(c => c.Name == "Age" ? c.AsProtected() : c), german.LabelColumn, german.PositiveLabel, german.NegativeLabel);
    });
}
