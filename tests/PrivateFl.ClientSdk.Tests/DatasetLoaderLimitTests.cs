using System.Text;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>The loader's bounds for hostile files: row cap, the first 100 problems, values and header names echoed only as excerpts.</summary>
public sealed class DatasetLoaderLimitTests
{
    private const string Header = ",Age,Sex,Job,Housing,Saving accounts,Checking account,Credit amount,Duration,Purpose,Risk";

    [Fact]
    public void LoadCsv_HeaderWithAHugeName_ReasonsEchoOnlyAnExcerpt()
    {
        string csv = Header + "," + new string('h', 5000) + "\n";

        var ex = Assert.Throws<DatasetValidationException>(() => Load(csv));

        Assert.All(ex.Problems, p => Assert.DoesNotContain(new string('h', 41), p.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void LoadCsv_RowsWithManyBadColumns_StopsAtOneHundredProblemsPlusANote()
    {
        string row = "0,-1,robot,9,castle,x,y,-5,0,boat,maybe";
        string csv = Header + "\n" + string.Join("\n", Enumerable.Repeat(row, 50)) + "\n";

        var ex = Assert.Throws<DatasetValidationException>(() => Load(csv));

        Assert.Equal(101, ex.Problems.Count);
        Assert.Contains("first 100 problems", ex.Problems[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCsv_MoreRowsThanTheCap_RefusedNamingTheCap()
    {
        string row = "0,30,male,2,own,little,little,1000,12,car,good";
        string csv = Header + "\n" + string.Join("\n", Enumerable.Repeat(row, 11)) + "\n";

        var ex = Assert.Throws<DatasetValidationException>(() => DatasetLoader.LoadCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), CreditSchemas.GermanCredit, maxRows: 10));

        Assert.Contains("more than 10 data rows", Assert.Single(ex.Problems).Reason, StringComparison.Ordinal);
        Assert.Equal(10, DatasetLoader.LoadCsv(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", csv.Split('\n')[..11]))), CreditSchemas.GermanCredit, maxRows: 10).RowCount);
    }

    private static CreditDataset Load(string csv) => DatasetLoader.LoadCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), CreditSchemas.GermanCredit);
}
