import FernLang
import FernNotebook

/// The interactive prompt (being written).
public enum REPL {}
