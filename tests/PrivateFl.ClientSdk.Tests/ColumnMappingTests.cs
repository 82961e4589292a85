using PrivateFl.ClientSdk.Tests.Support;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>A bank's own CSV headers mapped to the schema's columns by configuration (<see cref="CsvLoadOptions.ColumnMapping"/>).</summary>
public sealed class ColumnMappingTests
{
    private static readonly FeatureSchema Taiwan = CreditSchemas.TaiwanCredit;

    [Fact]
    public void LoadCsv_OwnHeadersWithMapping_EncodesExactlyAsTheOriginalHeaders()
    {
        CreditDataset original = DatasetLoader.LoadCsv(TaiwanFiles.Stream(TaiwanFiles.Original(200)), Taiwan);

        CreditDataset mapped = DatasetLoader.LoadCsv(TaiwanFiles.Stream(TaiwanFiles.WithOwnHeaders(200)), Taiwan, TaiwanFiles.Mapping());

        Assert.Equal(original.RowCount, mapped.RowCount);
        Assert.True(original.Labels.SequenceEqual(mapped.Labels));
        for (int row = 0; row < original.RowCount; row++)
        {
            Assert.True(original.GetFeatures(row).SequenceEqual(mapped.GetFeatures(row)), $"row {row}");
        }
    }

    [Fact]
    public void LoadCsv_OwnHeadersWithoutMapping_NamesEveryMissingSchemaColumn()
    {
        DatasetValidationException ex = Assert.Throws<DatasetValidationException>(() => DatasetLoader.LoadCsv(TaiwanFiles.Stream(TaiwanFiles.WithOwnHeaders(20)), Taiwan));

        Assert.Equal(["LIMIT_BAL", "SEX", "AGE", "PAY_0", "default"], ex.Problems.Select(p => p.Column));
        Assert.All(ex.Problems, p => Assert.Equal(0, p.Row));
        Assert.Contains("The required column 'LIMIT_BAL' is missing from the header (found 'Credit limit', 'Gender'", ex.Problems[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCsv_MappedHeaderMissingFromTheFile_ProblemNamesBothNames()
    {
        CsvLoadOptions options = TaiwanFiles.Mapping();
        options.ColumnMapping.Remove("Credit limit");
        options.ColumnMapping["Limit (NT$)"] = "LIMIT_BAL";

        DatasetValidationException ex = Assert.Throws<DatasetValidationException>(() => DatasetLoader.LoadCsv(TaiwanFiles.Stream(TaiwanFiles.WithOwnHeaders(20)), Taiwan, options));

        DataProblem problem = Assert.Single(ex.Problems);
        Assert.Equal("LIMIT_BAL", problem.Column);
        Assert.Equal("The column 'Limit (NT$)', which the column mapping maps to 'LIMIT_BAL', is missing from the header; names are matched exactly.", problem.Reason);
    }

    [Fact]
    public void LoadCsv_MappedHeaderBesideTheSchemaName_ProblemSaysTheColumnAppearsTwice()
    {
        var options = new CsvLoadOptions { ColumnMapping = { ["Gender"] = "SEX" } };
        string csv = TaiwanFiles.Original(5).Replace("LIMIT_BAL,SEX,", "LIMIT_BAL,SEX,Gender,", StringComparison.Ordinal)
            .Split('\n').Select((line, i) => i == 0 || line.Length == 0 ? line : string.Join(",", line.Split(',').Take(2).Append("1").Concat(line.Split(',').Skip(2)))).Aggregate((a, b) => a + "\n" + b);

        DatasetValidationException ex = Assert.Throws<DatasetValidationException>(() => DatasetLoader.LoadCsv(TaiwanFiles.Stream(csv), Taiwan, options));

        Assert.Contains(ex.Problems, p => p.Column == "SEX" && p.Reason.Contains("2 times once the column mapping renames 'Gender' to it", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadCsv_MappingToAColumnTheSchemaLacks_ThrowsBeforeReadingNamingTheEntry()
    {
        var options = new CsvLoadOptions { ColumnMapping = { ["Credit limit"] = "LIMIT_BALANCE" } };
        using var stream = new NonReadableAfterStart();

        ArgumentException ex = Assert.Throws<ArgumentException>(() => DatasetLoader.LoadCsv(stream, Taiwan, options));

        Assert.StartsWith("ColumnMapping:Credit limit: 'LIMIT_BALANCE' is not a column of schema 'taiwan-credit'", ex.Message, StringComparison.Ordinal);
        Assert.False(stream.WasRead);
    }

    [Fact]
    public void Validate_TwoHeadersForOneColumn_NamesTheSecondAndTheFirst()
    {
        var options = new CsvLoadOptions { ColumnMapping = { ["Limit"] = "LIMIT_BAL", ["Credit limit"] = "LIMIT_BAL" } };

        ArgumentException ex = Assert.Throws<ArgumentException>(() => options.Validate(Taiwan));

        Assert.Contains("ColumnMapping:Credit limit: 'LIMIT_BAL' is already the target of the header 'Limit'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "AGE", "ColumnMapping: the header '' is empty")]
    [InlineData(" Age", "AGE", "ColumnMapping: the header ' Age' is empty or has surrounding white space")]
    [InlineData("Age", "", "ColumnMapping:Age: the target '' is empty")]
    public void Problems_MalformedNames_AreNamed(string header, string target, string expected)
    {
        IReadOnlyList<string> problems = CsvLoadOptions.Problems([new(header, target)], schema: null);

        Assert.StartsWith(expected, Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_WithoutSchema_ChecksOnlyTheForm()
    {
        Assert.Empty(CsvLoadOptions.Problems([new("Credit limit", "anything")], schema: null));
        Assert.Single(CsvLoadOptions.Problems([new("Credit limit", "anything")], Taiwan));
    }

    [Fact]
    public void Validate_MappingToTheLabelColumn_IsAccepted()
    {
        var options = new CsvLoadOptions { ColumnMapping = { ["Defaulted"] = "default" } };

        options.Validate(Taiwan);

        Assert.Empty(CsvLoadOptions.Problems(options.ColumnMapping, Taiwan));
    }

    [Fact]
    public void Validate_MaxRowsBelowOne_Throws()
    {
        Assert.Throws<ArgumentException>(() => new CsvLoadOptions { MaxRows = 0 }.Validate(Taiwan));
    }

    [Fact]
    public void LoadCsv_MaxRowsOption_StopsThere()
    {
        DatasetValidationException ex = Assert.Throws<DatasetValidationException>(() =>
            DatasetLoader.LoadCsv(TaiwanFiles.Stream(TaiwanFiles.WithOwnHeaders(30)), Taiwan, new CsvLoadOptions { MaxRows = 10, ColumnMapping = { ["Credit limit"] = "LIMIT_BAL", ["Gender"] = "SEX", ["Age (years)"] = "AGE", ["Status Sep"] = "PAY_0", ["Defaulted"] = "default" } }));

        Assert.Contains("more than 10 data rows", ex.Problems[^1].Reason, StringComparison.Ordinal);
    }

    /// <summary>A stream that records whether anything read it.</summary>
    private sealed class NonReadableAfterStart : MemoryStream
    {
        public bool WasRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            WasRead = true;
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            WasRead = true;
            return base.Read(buffer);
        }
    }
}
