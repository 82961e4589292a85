namespace PrivateFl.ClientSdk.Tests.Support;

/// <summary>The real Taiwan credit file (linked into the test output under data/), and copies of it with a bank's own header names.</summary>
internal static class TaiwanFiles
{
    /// <summary>A bank's own names for some Taiwan columns: the mapping <c>CsvLoadOptions.ColumnMapping</c> takes.</summary>
    public static readonly IReadOnlyDictionary<string, string> OwnHeaders = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Credit limit"] = "LIMIT_BAL",
        ["Gender"] = "SEX",
        ["Age (years)"] = "AGE",
        ["Status Sep"] = "PAY_0",
        ["Defaulted"] = "default",
    };

    public static string PathOf() => Path.Combine(AppContext.BaseDirectory, "data", "taiwan_credit_card_default.csv");

    /// <summary>The header and the first <paramref name="rows"/> rows, with the mapped headers renamed to the bank's own names.</summary>
    public static string WithOwnHeaders(int rows)
    {
        string[] lines = [.. File.ReadLines(PathOf()).Take(rows + 1)];
        var reverse = OwnHeaders.ToDictionary(m => m.Value, m => m.Key, StringComparer.Ordinal);
        lines[0] = string.Join(",", lines[0].Split(',').Select(h => reverse.GetValueOrDefault(h, h)));
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>The header and the first <paramref name="rows"/> rows, as shipped.</summary>
    public static string Original(int rows) => string.Join("\n", File.ReadLines(PathOf()).Take(rows + 1)) + "\n";

    public static CsvLoadOptions Mapping()
    {
        var options = new CsvLoadOptions();
        foreach ((string header, string column) in OwnHeaders)
        {
            options.ColumnMapping.Add(header, column);
        }

        return options;
    }

    public static MemoryStream Stream(string csv) => new(System.Text.Encoding.UTF8.GetBytes(csv));
}
