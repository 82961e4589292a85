using PrivateFl.ClientSdk.Tests.Support;

namespace PrivateFl.ClientSdk.Tests;

public sealed class DatasetLoaderTests
{
    [Theory]
    [InlineData(CreditFiles.FullFile, 1000, 300)]
    [InlineData(CreditFiles.FirstPartition, 500, 136)]
    [InlineData(CreditFiles.SecondPartition, 500, 164)]
    public void LoadCsv_RealFile_LoadsEveryRowWithTheExactBadCount(string file, int rows, int bad)
    {
        CreditDataset data = DatasetLoader.LoadCsv(CreditFiles.PathOf(file), CreditSchemas.GermanCredit);

        Assert.Equal(rows, data.RowCount);
        Assert.Equal(bad, data.PositiveCount);
        Assert.Equal(bad, data.Labels.ToArray().Count(label => label == 1));
        Assert.Equal(32, data.FeatureCount);
    }

    [Fact]
    public void LoadCsv_Partitions_EncodeTheSameRowsAsTheIndexedFile()
    {
        CreditDataset full = CreditFiles.GermanCredit;
        CreditDataset first = DatasetLoader.LoadCsv(CreditFiles.PathOf(CreditFiles.FirstPartition), CreditSchemas.GermanCredit);
        CreditDataset second = DatasetLoader.LoadCsv(CreditFiles.PathOf(CreditFiles.SecondPartition), CreditSchemas.GermanCredit);

        for (int i = 0; i < 1000; i++)
        {
            CreditDataset part = i < 500 ? first : second;
            int row = i % 500;
            Assert.True(full.GetFeatures(i).SequenceEqual(part.GetFeatures(row)), $"row {i}");
            Assert.Equal(full.Labels[i], part.Labels[row]);
        }
    }

    [Fact]
    public void LoadCsv_FirstRealRow_IsEncodedByTheDeclaredRangesAndVocabularies()
    {
        // 0,67,male,2,own,NA,little,1169,6,radio/TV,good
        CreditDataset data = CreditFiles.GermanCredit;
        IReadOnlyList<string> names = data.Schema.FeatureNames;
        double[] features = data.GetFeatures(0).ToArray();
        double Feature(string name) => features[IndexOf(names, name)];

        Assert.Equal((2 * (67.0 - 18) / 82) - 1, Feature("Age"), 15);
        Assert.Equal((2 * 1169.0 / 20000) - 1, Feature("Credit amount"), 15);
        Assert.Equal((2 * 5.0 / 71) - 1, Feature("Duration"), 15);
        Assert.Equal(1.0, Feature("Job=2"));
        Assert.Equal(1.0, Feature("Housing=own"));
        Assert.Equal(1.0, Feature("Saving accounts=none"));
        Assert.Equal(1.0, Feature("Checking account=little"));
        Assert.Equal(1.0, Feature("Purpose=radio/TV"));
        Assert.Equal(3 + 5, features.Count(f => f != 0));
        Assert.Equal(0, data.Labels[0]);
        Assert.Equal(1, data.Labels[1]);
    }

    [Fact]
    public void LoadCsv_EveryRealRow_HasNumericFeaturesInMinusOneToOneAndOneHotBlocks()
    {
        CreditDataset data = CreditFiles.GermanCredit;

        for (int row = 0; row < data.RowCount; row++)
        {
            ReadOnlySpan<double> x = data.GetFeatures(row);
            int offset = 0;
            foreach (FeatureColumn column in data.Schema.Columns.Where(c => !c.IsProtected))
            {
                ReadOnlySpan<double> block = x.Slice(offset, column.EncodedLength);
                if (column.Kind == FeatureKind.Numeric)
                {
                    Assert.InRange(block[0], -1.0, 1.0);
                }
                else
                {
                    Assert.Equal(column.EncodedLength - 1, block.Count(0.0));
                    Assert.Equal(1, block.Count(1.0));
                    Assert.Equal(0.0, block[^1]);
                }

                offset += column.EncodedLength;
            }
        }
    }

    [Fact]
    public void LoadCsv_ReorderedQuotedExtraColumnsCrlfAndBom_ReadsByHeaderName()
    {
        string csv =
            "\uFEFFRisk , id,Purpose,Duration,Credit amount,Checking account,Saving accounts,Housing,Job,Sex,Age,Note\r\n" +
            "bad,7,\"radio/TV\",48,5951,moderate,little,own,2,female,22,\"a, quoted note\"\r\n" +
            "\r\n" +
            " good ,8,\"domestic appliances\", 12 ,\"1000.5\",NA,,rent,0,male,1.9e1,\r\n";

        CreditDataset data = CreditFiles.LoadText(csv);

        Assert.Equal(2, data.RowCount);
        Assert.Equal([1, 0], data.Labels.ToArray());
        IReadOnlyList<string> names = data.Schema.FeatureNames;
        Assert.Equal((2 * (22.0 - 18) / 82) - 1, data.GetFeatures(0)[IndexOf(names, "Age")], 15);
        Assert.Equal(1.0, data.GetFeatures(0)[IndexOf(names, "Purpose=radio/TV")]);
        Assert.Equal((2 * 1.0 / 82) - 1, data.GetFeatures(1)[IndexOf(names, "Age")], 15);
        Assert.Equal((2 * 1000.5 / 20000) - 1, data.GetFeatures(1)[IndexOf(names, "Credit amount")], 15);
        Assert.Equal(1.0, data.GetFeatures(1)[IndexOf(names, "Purpose=domestic appliances")]);
        Assert.Equal(1.0, data.GetFeatures(1)[IndexOf(names, "Saving accounts=none")]);
        Assert.Equal(1.0, data.GetFeatures(1)[IndexOf(names, "Checking account=none")]);
    }

    [Fact]
    public void LoadCsv_BrokenFile_ListsEveryProblemWithRowColumnAndValue()
    {
        string csv = CreditFiles.Header + "\n" +
            "-3,male,2,own,NA,little,1169,6,radio/TV,good\n" +
            "999,female,2,own,little,moderate,abc,48,radio/TV,bad\n" +
            "30,other,5,castle,NA,little,1000,12,boat,maybe\n" +
            "40,male,2,own,NA,little,1000,12,car,\n" +
            "40,male,2,own,NA,little,1000,12\n" +
            "25,male,1,rent,little,,2000,24,car,good\n" +
            ",male,1,rent,little,NA,20001,0,car,good\n";
        using var file = new TempCsvFile(csv);

        var exception = Assert.Throws<DatasetValidationException>(() => DatasetLoader.LoadCsv(file.Path, CreditSchemas.GermanCredit));

        Assert.Equal(
            [
                (1, "Age", "-3"),
                (2, "Age", "999"),
                (2, "Credit amount", "abc"),
                (3, "Sex", "other"),
                (3, "Job", "5"),
                (3, "Housing", "castle"),
                (3, "Purpose", "boat"),
                (3, "Risk", "maybe"),
                (4, "Risk", ""),
                (5, null, null),
                (7, "Age", ""),
                (7, "Credit amount", "20001"),
                (7, "Duration", "0"),
            ],
            exception.Problems.Select(p => (p.Row, p.Column, p.Value)));
        Assert.Contains("outside the declared range [18, 100]", exception.Problems[0].Reason, StringComparison.Ordinal);
        Assert.Contains("not a number", exception.Problems[2].Reason, StringComparison.Ordinal);
        Assert.Contains("'male', 'female'", exception.Problems[3].Reason, StringComparison.Ordinal);
        Assert.Contains("'vacation/others'", exception.Problems[6].Reason, StringComparison.Ordinal);
        Assert.Contains("'bad' (positive) or 'good' (negative)", exception.Problems[7].Reason, StringComparison.Ordinal);
        Assert.Contains("empty", exception.Problems[8].Reason, StringComparison.Ordinal);
        Assert.Contains("8 fields; the header has 10", exception.Problems[9].Reason, StringComparison.Ordinal);
        Assert.Contains("required", exception.Problems[10].Reason, StringComparison.Ordinal);
        Assert.Contains("13 problems", exception.Message, StringComparison.Ordinal);
        Assert.Contains("row 2, column 'Credit amount', value 'abc'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCsv_MissingAndDuplicatedColumns_ReportsHeaderProblemsAndStillChecksTheRows()
    {
        string csv =
            "Age,Sex,Sex,Job,Housing,Saving accounts,Checking account,Credit amount,Purpose,Risk\n" +
            "150,male,male,2,own,NA,little,1169,radio/TV,good\n";

        DatasetValidationException exception = CreditFiles.LoadInvalidText(csv);

        Assert.Equal(
            [(0, "Sex", null), (0, "Duration", null), (1, "Age", "150")],
            exception.Problems.Select(p => (p.Row, p.Column, p.Value)));
        Assert.Contains("2 times", exception.Problems[0].Reason, StringComparison.Ordinal);
        Assert.Contains("The required column 'Duration' is missing", exception.Problems[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCsv_MalformedQuoting_IsReportedForItsRow()
    {
        string csv = CreditFiles.Header + "\n" +
            "67,male,2,own,NA,little,1169,6,radio/TV,good\n" +
            "22,\"female\"x,2,own,little,moderate,5951,48,radio/TV,bad\n";

        DatasetValidationException exception = CreditFiles.LoadInvalidText(csv);

        Assert.Contains(exception.Problems, p => p.Row == 2 && p.Column is null && p.Reason.Contains("Malformed quoting", StringComparison.Ordinal));
        Assert.All(exception.Problems, p => Assert.Equal(2, p.Row));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    public void LoadCsv_EmptyFile_ThrowsSayingItIsEmpty(string csv)
    {
        DatasetValidationException exception = CreditFiles.LoadInvalidText(csv);

        DataProblem problem = Assert.Single(exception.Problems);
        Assert.Equal(0, problem.Row);
        Assert.Contains("The file is empty", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCsv_HeaderOnly_ThrowsSayingThereAreNoRows()
    {
        DatasetValidationException exception = CreditFiles.LoadInvalidText(CreditFiles.Header + "\r\n");

        DataProblem problem = Assert.Single(exception.Problems);
        Assert.Contains("no data rows", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCsv_MissingFile_ThrowsFileNotFound()
    {
        string path = Path.Combine(Path.GetTempPath(), $"privatefl-missing-{Guid.NewGuid():N}.csv");

        Assert.Throws<FileNotFoundException>(() => DatasetLoader.LoadCsv(path, CreditSchemas.GermanCredit));
    }

    [Fact]
    public void LoadCsv_NullArguments_ThrowNamingThem()
    {
        Assert.Throws<ArgumentNullException>("path", () => DatasetLoader.LoadCsv((string)null!, CreditSchemas.GermanCredit));
        Assert.Throws<ArgumentNullException>("stream", () => DatasetLoader.LoadCsv((Stream)null!, CreditSchemas.GermanCredit));
        Assert.Throws<ArgumentNullException>("schema", () => DatasetLoader.LoadCsv(new MemoryStream(), null!));
    }

    [Fact]
    public void LoadCsv_Stream_LeavesTheStreamOpen()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(CreditFiles.Header + "\n67,male,2,own,NA,little,1169,6,radio/TV,good\n"));

        DatasetLoader.LoadCsv(stream, CreditSchemas.GermanCredit);

        Assert.True(stream.CanRead);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new ArgumentException($"No feature named '{name}'.", nameof(name));
    }
}
