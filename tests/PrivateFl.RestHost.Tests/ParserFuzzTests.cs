using FsCheck.Xunit;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// Property-based fuzzing of every REST-host parser that takes outside bytes: only the documented result or error,
/// never an unhandled exception, state unchanged. The bench command <c>fuzz-parsers</c> runs 10^5 inputs per parser.
/// </summary>
public sealed class ParserFuzzTests
{
    [Property(MaxTest = 500, Arbitrary = [typeof(ParserFuzz)])]
    public bool CsvReader_AnyBytes_DataSetOrDocumentedProblemsOnly(byte[] input) => ParserFuzz.CsvReaderHolds(input);

    [Property(MaxTest = 500, Arbitrary = [typeof(ParserFuzz)])]
    public bool RequestAndApplicantParsers_AnyBody_FieldsOr4xxProblemOnly((string ContentType, byte[] Body) input) => ParserFuzz.RequestAndApplicantHold(input);

    [Property(MaxTest = 500, Arbitrary = [typeof(ParserFuzz)])]
    public bool SchemaReader_AnyDocument_SchemaOrFormatExceptionOnly(string json) => ParserFuzz.SchemaReaderHolds(json);
}
