# Compiles files (migrations, openapi.yaml) into the binary, so a deployed eventd needs
# nothing beside it. Each call generates one .cpp that defines
#   std::vector<eventd::EmbeddedFile> <function>()
# in namespace eventd::embedded, declared in src/app/embedded.hpp.
set(EVENTD_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake)

function(eventd_embed out_cpp function)
  set(files ${ARGN})
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DFUNCTION=${function} "-DFILES=${files}"
            -P ${EVENTD_EMBED_SCRIPT}
    DEPENDS ${files} ${EVENTD_EMBED_SCRIPT}
    COMMENT "Embedding ${function}"
    VERBATIM)
endfunction()
