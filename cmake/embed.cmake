# Compiles files (migrations, openapi.yaml) into the binary, so a deployed eventd needs
# nothing beside it. Each call generates one .cpp that defines
#   std::vector<eventd::EmbeddedFile> <function>()
# in namespace eventd::embedded, declared in src/app/embedded.hpp.
set(EVENTD_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake)

# With `BASE <dir>` after the files, each is named by its path relative to <dir> (so files of
# one name in different folders stay apart); otherwise by its file name.
function(eventd_embed out_cpp function)
  cmake_parse_arguments(EMBED "" "BASE" "" ${ARGN})
  set(files ${EMBED_UNPARSED_ARGUMENTS})
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DFUNCTION=${function} "-DFILES=${files}" "-DBASE=${EMBED_BASE}"
            -P ${EVENTD_EMBED_SCRIPT}
    DEPENDS ${files} ${EVENTD_EMBED_SCRIPT}
    COMMENT "Embedding ${function}"
    VERBATIM)
endfunction()
